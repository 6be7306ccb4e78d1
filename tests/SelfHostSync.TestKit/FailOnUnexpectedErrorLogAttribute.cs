using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

namespace SelfHostSync.TestKit;

/// <summary>
/// On a test assembly: every test fails when the executable logged an error or fatal event during it that the test
/// did not declare with <see cref="ErrorLog.Expect"/>. A failure of the test itself is reported alongside.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class FailOnUnexpectedErrorLogAttribute : BeforeAfterTestAttribute
{
    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (ErrorLog.TakeUnexpected(test.UniqueID) is { } failure)
        {
            throw new XunitException(failure);
        }
    }
}
