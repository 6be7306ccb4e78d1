// Every test fails on an error log event of the executable it did not expect (ErrorLog.Expect).
[assembly: FailOnUnexpectedErrorLog]

// The long test classes start first, so that the parallel run does not end with one of them alone.
[assembly: TestCollectionOrderer(typeof(LongRunningFirstOrderer))]
