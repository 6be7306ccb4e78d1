using System.Text.Json;
using System.Web;
using SelfHostSync.Core.Sync;
using SelfHostSync.Synology.Gateways;
using SelfHostSync.Synology.Http;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace SelfHostSync.Synology.Tests;

/// <summary>
/// The DSM client replaying recorded answers (../shared/fixtures/synology) through WireMock.Net, served as
/// <c>text/plain</c> like some DSM versions do: the DSM 6 storage shapes with stub entries, Hyper Backup tasks 1–7,
/// non-ASCII session tokens, <c>errors</c> as an object, "N/A" times.
/// </summary>
public sealed class DsmContractTests : IDisposable
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly Dictionary<string, Func<Dictionary<string, string>, string>> _answers = new(StringComparer.Ordinal);

    public DsmContractTests()
    {
        _answers["SYNO.API.Auth.login"] = _ => Fixture("const_7_api_auth.DSM_7_AUTH_LOGIN.json");
        _answers["SYNO.API.Auth.logout"] = _ => Fixture("const_7_api_auth.DSM_7_AUTH_LOGOUT.json");
        _answers["SYNO.DSM.Network.list"] = _ => Fixture("const_6_dsm_network.DSM_6_DSM_NETWORK_1LAN.json");
        _answers["SYNO.Core.Share.list"] = _ => Fixture("const_6_core_share.DSM_6_CORE_SHARE.json");
        _answers["SYNO.Storage.CGI.Storage.load_info"] = _ =>
            Fixture("const_6_storage_storage.DSM_6_STORAGE_STORAGE_DS918_PLUS_RAID5_3DISKS_1VOL.json");
        _answers["SYNO.Core.System.info"] = _ => Fixture("const_6_core_system.DSM_6_CORE_SYSTEM_DS918_PLUS.json");
        _answers["SYNO.Backup.Task.list"] = _ => Fixture("const_7_hyperbackup.DSM_7_HYPERBACKUP_LIST.json");
        _answers["SYNO.Backup.Task.status"] = form =>
            JsonDocument.Parse(Fixture("const_7_hyperbackup.DSM_7_STATUSES.json")).RootElement.GetProperty(form["task_id"]).GetRawText();
        _answers["SYNO.SDS.Backup.Client.Common.Log.list"] = _ =>
            """{"data":{"log_list":[{"event":"[Network][Bad: Dest Corrupt] Backup integrity check has failed: target is found broken.","time":"2023/12/20 03:00:00"}],"total":1},"success":true}""";

        _server
            .Given(Request.Create().WithPath("/webapi/query.cgi").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "text/plain").WithBody(Fixture("const_7_api_info.DSM_7_API_INFO.json")));
        _server
            .Given(Request.Create().WithPath("/webapi/*").UsingPost())
            .RespondWith(
                Response
                    .Create()
                    .WithCallback(request =>
                    {
                        var form = HttpUtility.ParseQueryString(request.Body ?? string.Empty);
                        var values = form.AllKeys.OfType<string>().ToDictionary(k => k, k => form[k]!, StringComparer.Ordinal);
                        var key = $"{values.GetValueOrDefault("api")}.{values.GetValueOrDefault("method")}";
                        var body = _answers.TryGetValue(key, out var answer) ? answer(values) : """{"error":{"code":102},"success":false}""";
                        return new ResponseMessage
                        {
                            StatusCode = 200,
                            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("text/plain; charset=utf-8") },
                            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
                        };
                    })
            );
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(Dir, name));

    private NasGateways Gateways(bool remoteVaultOffsite = true) =>
        NasGateways.For(
            [
                new SynologyEndpoint(
                    "nas",
                    new Uri(_server.Url!),
                    "admin",
                    "pw-secret-123",
                    "selfhostsync",
                    null,
                    null,
                    RemoteVaultOffsite: remoteVaultOffsite
                ),
            ],
            new FixedStorageDirectory([new StorageRef("homelab", "nas-dumps", "nfs", "192.168.0.35", "/volume1/myfolder1", null, null)])
        );

    [Fact]
    public async Task Collect_RecordedAnswers_HealthReplicasAndFindings()
    {
        await using var gateways = Gateways();

        var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

        Assert.Empty(batch.Gaps);
        var health = Assert.Single(batch.StorageHealth);
        Assert.True(health.Healthy, health.Detail);
        // Task 6 (remote vault, declared off site) last succeeded "2023/12/21 01:12" NAS time (Brussels, +01:00).
        // The fixture's NAS clock is from 2020, so the zone description "(GMT+01:00) Brussels" gives the offset.
        Assert.Contains(batch.Replicas, r =>
            r.Via.Contains("Idle with schedule", StringComparison.Ordinal)
            && r.CompletedAt == new DateTimeOffset(2023, 12, 21, 1, 12, 0, TimeSpan.FromHours(1))
        );
        Assert.Contains(batch.Findings, f =>
            f.Contains("the NAS clock (2020-10-19 23:33:52) is far from ours; Hyper Backup times read as GMT+01:00", StringComparison.Ordinal)
        );
        Assert.DoesNotContain(batch.Replicas, r => r.Via.Contains("Dest Corrupt", StringComparison.Ordinal));
        Assert.Contains(batch.Findings, f => f.Contains("'Bad: Dest Corrupt' on nas is restore_only", StringComparison.Ordinal));
        Assert.Contains(batch.Findings, f => f.Contains("target is found broken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_NonAsciiSynoToken_SentUrlEncodedInTheForm()
    {
        await using var gateways = Gateways();

        await gateways.Sources[0].CollectAsync(CancellationToken.None);

        var call = _server.LogEntries.First(e => e.RequestMessage.Body?.Contains("method=list", StringComparison.Ordinal) == true).RequestMessage;
        Assert.Contains("SynoToken=Sy%C3%B10_T0k%E2%82%AC%C3%B1", call.Body, StringComparison.Ordinal);
        Assert.Contains("_sid=session_id", call.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage.Url.Contains("passwd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Call_ErrorsAsAnObject_OneLineWithTheCode()
    {
        _answers["SYNO.Core.System.info"] = _ => Fixture("const_6_core_utilization.DSM_6_CORE_UTILIZATION_ERROR_1055.json");
        await using var gateways = Gateways();

        var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

        var gap = Assert.Single(batch.Gaps);
        Assert.Contains("SYNO.Core.System.info", gap.Reason, StringComparison.Ordinal);
        Assert.Contains("(1055)", gap.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', gap.Reason);
        Assert.Single(batch.StorageHealth);
    }

    [Fact]
    public async Task Status_NotAvailableTimes_NoReplicaNoFailure()
    {
        _answers["SYNO.Backup.Task.status"] = form =>
            """{"data":{"state":"backupable","status":"none","last_bkp_result":"done","last_bkp_success_time":"N/A","last_bkp_time":""},"success":true}""";
        await using var gateways = Gateways();

        var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

        Assert.Empty(batch.Gaps);
        Assert.Empty(batch.Replicas);
    }

    [Fact]
    public async Task Collect_RemoteVaultNotDeclaredOffsite_NoReplica()
    {
        await using var gateways = Gateways(remoteVaultOffsite: false);

        Assert.Empty((await gateways.Sources[0].CollectAsync(CancellationToken.None)).Replicas);
    }
}
