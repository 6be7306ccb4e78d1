using System.Text.Json;
using System.Text.Json.Serialization;
using SelfHostSync.Core.Sync;

namespace SelfHostSync.Core.Tests.Sync;

public sealed class GuestWriteStatusTests
{
    public static TheoryData<GuestWriteStatus, string> Names =>
        new()
        {
            { GuestWriteStatus.None, "none" },
            { GuestWriteStatus.DryRun, "dry-run" },
            { GuestWriteStatus.Disabled, "disabled" },
            { GuestWriteStatus.Written, "written" },
            { GuestWriteStatus.Unchanged, "unchanged" },
            { GuestWriteStatus.Conflict, "conflict" },
            { GuestWriteStatus.Locked, "locked" },
            { GuestWriteStatus.Failed, "failed" },
        };

    [Theory]
    [MemberData(nameof(Names))]
    public void Serialize_AnyOptions_TheReportsName(GuestWriteStatus status, string name)
    {
        var camel = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(status));
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(status, camel));
        Assert.Equal(name, status.ToCode());
        Assert.Equal(status, JsonSerializer.Deserialize<GuestWriteStatus>($"\"{name}\"", camel));
    }
}
