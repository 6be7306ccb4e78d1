using SelfHostSync.Core.Sync;
using SelfHostSync.HomeAssistant.Mqtt;
using SelfHostSync.HomeAssistant.Settings;

namespace SelfHostSync.HomeAssistant.Tests;

/// <summary><c>doctor</c>'s view of the broker, against mosquitto: the login, the TLS pin and the ACL.</summary>
public sealed class MqttDoctorTests
{
    [Fact]
    public async Task DiagnoseAsync_BrokerTakesLoginAndMessages_Ok()
    {
        await using var broker = await Mosquitto.StartAsync(tls: true);

        var found = Assert.Single(await new MqttDoctor(Settings(broker), TimeProvider.System).DiagnoseAsync(CancellationToken.None));

        Assert.Equal(DiagnosisLevel.Ok, found.Level);
        Assert.Equal($"HomeAssistant mqtts://127.0.0.1:{broker.Port}", found.Subject);
        Assert.Contains("connected as selfhostsync", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiagnoseAsync_WrongPassword_ProblemWithTheBrokersAnswer()
    {
        await using var broker = await Mosquitto.StartAsync(tls: false);

        var found = Assert.Single(
            await new MqttDoctor(Settings(broker) with { Password = "wrong" }, TimeProvider.System).DiagnoseAsync(CancellationToken.None)
        );

        Assert.Equal(DiagnosisLevel.Problem, found.Level);
        Assert.Contains("cannot connect", found.Message, StringComparison.Ordinal);
        Assert.Contains(
            "NotAuthorized",
            found.Message.Replace("BadUserNameOrPassword", "NotAuthorized", StringComparison.Ordinal),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task DiagnoseAsync_PinOfAnotherCertificate_ProblemNamingWhatTheBrokerPresented()
    {
        await using var broker = await Mosquitto.StartAsync(tls: true);

        var found = Assert.Single(
            await new MqttDoctor(Settings(broker) with { Fingerprint = new string('A', 64) }, TimeProvider.System).DiagnoseAsync(
                CancellationToken.None
            )
        );

        Assert.Equal(DiagnosisLevel.Problem, found.Level);
        Assert.Contains("not the pinned Fingerprint", found.Message, StringComparison.Ordinal);
        Assert.Contains(broker.Fingerprint![..2], found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiagnoseAsync_AclWithoutTheDiscoveryPrefix_ProblemNamingTheTopic()
    {
        await using var broker = await Mosquitto.StartAsync(tls: false, $"user {Mosquitto.Username}", "topic write selfhostsync/#");

        var found = Assert.Single(await new MqttDoctor(Settings(broker), TimeProvider.System).DiagnoseAsync(CancellationToken.None));

        Assert.Equal(DiagnosisLevel.Problem, found.Level);
        Assert.Equal(
            "the broker refused messages to homeassistant/binary_sensor/selfhostsync/doctor and homeassistant/sensor/selfhostsync/doctor: let the MQTT user write homeassistant/+/selfhostsync/# and selfhostsync/# (docs/home-assistant.md)",
            found.Message
        );
    }

    [Fact]
    public async Task DiagnoseAsync_BrokerAcceptsButNeverAnswers_ProblemAfterTheConnectTimeout()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = new HomeAssistantSettings
        {
            Host = "127.0.0.1",
            Port = port,
            Tls = false,
        };

        var diagnosing = new MqttDoctor(settings, time).DiagnoseAsync(CancellationToken.None);
        using var accepted = await silent.AcceptTcpClientAsync();
        await Task.Delay(100);
        Assert.False(diagnosing.IsCompleted);
        time.Advance(BrokerConnection.ConnectTimeout);

        var found = Assert.Single(await diagnosing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal((DiagnosisLevel.Problem, "cannot connect: no answer within 10 s"), (found.Level, found.Message));
    }

    internal static HomeAssistantSettings Settings(Mosquitto broker) =>
        new()
        {
            Host = "127.0.0.1",
            Port = broker.Port,
            Tls = broker.Tls,
            Fingerprint = broker.Fingerprint,
            Username = Mosquitto.Username,
            Password = Mosquitto.Password,
        };
}
