// Every test fails on an error log event of the executable it did not expect (ErrorLog.Expect).
[assembly: FailOnUnexpectedErrorLog]
