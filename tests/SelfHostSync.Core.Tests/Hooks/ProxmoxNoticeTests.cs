using SelfHostSync.Core.Hooks;

namespace SelfHostSync.Core.Tests.Hooks;

/// <summary>
/// Webhook bodies as proxmox-notify renders the documented template: PVE's vzdump notification
/// (<c>vzdump-subject/body.txt.hbs</c>, its guest table padded to width + 4) and PBS's job notifications.
/// </summary>
public sealed class ProxmoxNoticeTests
{
    public const string Vzdump = """
        {"title": "vzdump backup status (pve1.lan): backup successful\n", "message": "\nDetails\n=======\nVMID    Name         Status    Time      Size       Filename                                \n100     inference    ok        1m 5s     2 GiB      vm/100/2026-12-03T02:00:03Z             \n101     nextcloud    ok        2m 10s    5 GiB      vm/101/2026-12-03T02:01:08Z             \n121     k3s-agent-1  err       12s       0 B        null                                    \n\nTotal running time: 3m 27s\nTotal size: 7.293 GiB\n\nLogs\n====\nvzdump 100 101 121 --storage pbs --mode snapshot\n\n100: 2026-12-03 02:00:03 INFO: Starting Backup of VM 100 (qemu)\n999: not a guest of the table\n", "severity": "error", "timestamp": 1764727207, "fields": {"hostname":"pve1","job-id":"backup-nightly","type":"vzdump"}}
        """;

    public const string VerifyFailed = """
        {"title": "Verify Datastore 'main' failed\n", "message": "\nJob ID:    v-homelab\nDatastore: main\n\nVerification failed on these snapshots/groups:\n\n    ns/homelab/vm/101/2026-12-02T02:00:00Z\n    ns/homelab/ct/121/2026-12-02T02:05:00Z\n\n\nPlease visit the web interface for further details:\n\n<https://pbs.lan:8007/#pbsServerAdministration:tasks>\n", "severity": "error", "timestamp": 1764730000, "fields": {"datastore":"main","hostname":"pbs","job-id":"v-homelab","type":"verify"}}
        """;

    public static TheoryData<string, string?, string, bool, int[], string?> Bodies =>
        new()
        {
            { Vzdump, "vzdump", "pve", true, [100, 101, 121], null },
            { VerifyFailed, "verify", "pbs", true, [101, 121], "main" },
            {
                """{"title":"Pruning datastore 'main' successful ","message":"\nJob ID:       p-daily\nDatastore:    main\n\nPruning successful.\n","severity":"info","timestamp":1,"fields":{"datastore":"main","hostname":"pbs","job-id":"p-daily","type":"prune"}}""",
                "prune",
                "pbs",
                true,
                [],
                "main"
            },
            {
                """{"title":"New software packages available (pve1.lan)","message":"…","severity":"info","timestamp":1,"fields":{"hostname":"pve1","type":"package-updates"}}""",
                "package-updates",
                "unknown",
                false,
                [],
                null
            },
            // A test notification is the template with no fields: nothing to do. A body that is not the template's: a pass.
            {
                """{"title":"Test notification","message":"This is a test","severity":"info","timestamp":1,"fields":{}}""",
                null,
                "unknown",
                false,
                [],
                null
            },
            { "backup finished on pve1", null, "unknown", true, [], null },
            { "", null, "unknown", true, [], null },
        };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Parse_RenderedBody_TypeSourceGuestsDatastore(string body, string? type, string source, bool triggers, int[] guests, string? datastore)
    {
        var notice = ProxmoxNotice.Parse(body);

        Assert.Equal((type, source, triggers, datastore), (notice.Type, notice.Source, notice.TriggersPass, notice.Datastore));
        Assert.Equal(guests, notice.Guests);
    }

    [Fact]
    public void Parse_VzdumpBody_TitleTrimmedHostAndTime()
    {
        var notice = ProxmoxNotice.Parse(Vzdump);

        Assert.Equal("vzdump backup status (pve1.lan): backup successful", notice.Title);
        Assert.Equal("pve1", notice.Host);
        Assert.Equal("backup-nightly", notice.JobId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764727207), notice.At);
    }
}
