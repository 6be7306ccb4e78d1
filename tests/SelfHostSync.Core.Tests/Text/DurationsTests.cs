using SelfHostSync.Core.Text;

namespace SelfHostSync.Core.Tests.Text;

public sealed class DurationsTests
{
    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(45, "45 s")]
    [InlineData(60 * 12, "12 min")]
    [InlineData(3600 * 30, "30 h")]
    [InlineData(3600 * 2 + 60 * 5, "2 h 5 min")]
    [InlineData(3600 * 76, "3 d 4 h")]
    [InlineData(86400 * 35, "35 d")]
    [InlineData(-5, "in the future")]
    public void Format_Span_IsShortAndHuman(int seconds, string expected)
    {
        Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));
    }
}
