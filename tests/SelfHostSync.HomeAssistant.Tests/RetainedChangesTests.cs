using SelfHostSync.HomeAssistant.Discovery;

namespace SelfHostSync.HomeAssistant.Tests;

public sealed class RetainedChangesTests
{
    private static readonly Dictionary<string, string> Published = new(StringComparer.Ordinal)
    {
        ["ha/binary_sensor/n/gone/config"] = "{}",
        ["n/guest/c/1"] = "{\"state\":\"ON\"}",
        ["n/guest/c/2"] = "{\"state\":\"OFF\"}",
        ["ha/binary_sensor/n/c_2/config"] = "{\"name\":\"two\"}",
    };

    private static readonly Dictionary<string, string> Desired = new(StringComparer.Ordinal)
    {
        ["n/guest/c/2"] = "{\"state\":\"ON\"}",
        ["ha/binary_sensor/n/c_2/config"] = "{\"name\":\"two\"}",
        ["ha/binary_sensor/n/c_3/config"] = "{\"name\":\"three\"}",
        ["n/guest/c/3"] = "{\"state\":\"OFF\"}",
    };

    [Fact]
    public void Between_Changes_ClearedConfigsFirstThenStatesThenConfigsAndNothingUnchanged()
    {
        var changes = RetainedChanges.Between(Desired, Published, everything: false);

        Assert.Equal(
            [
                ("ha/binary_sensor/n/gone/config", null),
                ("n/guest/c/1", null),
                ("n/guest/c/2", "{\"state\":\"ON\"}"),
                ("n/guest/c/3", "{\"state\":\"OFF\"}"),
                ("ha/binary_sensor/n/c_3/config", "{\"name\":\"three\"}"),
            ],
            changes.Select(c => (c.Key, c.Value))
        );
    }

    [Fact]
    public void Between_Everything_SendsUnchangedToo()
    {
        var changes = RetainedChanges.Between(Desired, Published, everything: true);

        Assert.Equal(6, changes.Count);
        Assert.Contains(changes, c => c.Key == "ha/binary_sensor/n/c_2/config" && c.Value == "{\"name\":\"two\"}");
    }

    [Fact]
    public void Between_NothingChanged_Nothing() => Assert.Empty(RetainedChanges.Between(Published, Published, everything: false));
}
