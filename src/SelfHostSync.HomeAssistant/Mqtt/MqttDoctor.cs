using MQTTnet.Exceptions;
using SelfHostSync.Core.Sync;
using SelfHostSync.HomeAssistant.Discovery;
using SelfHostSync.HomeAssistant.Settings;
using SelfHostSync.Http;

namespace SelfHostSync.HomeAssistant.Mqtt;

/// <summary>
/// <c>doctor</c> for the broker: connect with the configured login and TLS, then send one empty, not retained message
/// under each of the two trees the daemon writes (<c>&lt;prefix&gt;/…/&lt;node&gt;/doctor</c>, which Home Assistant
/// ignores because it does not end in <c>/config</c>, and <c>&lt;node&gt;/doctor</c>), so an ACL that would refuse the
/// daemon's messages shows now (MQTT 5 brokers answer a refused message; older ones drop it without a word).
/// </summary>
internal sealed class MqttDoctor(HomeAssistantSettings settings) : IEndpointDoctor
{
    public async Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(CancellationToken cancellationToken)
    {
        var subject = $"HomeAssistant {settings.Broker}";
        var topics = new HomeAssistantTopics(settings);
        using var broker = new BrokerConnection(settings, topics, probe: true);
        try
        {
            await broker.OpenAsync(cancellationToken);
        }
        catch (Exception ex)
            when (ex is MqttCommunicationException or IOException or System.Net.Sockets.SocketException or TimeoutException
                || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested
            )
        {
            var pin = broker.PinMismatch is { } seen
                ? $"; the broker presented {Fingerprints.Display(seen)}, not the pinned Fingerprint"
                : string.Empty;
            return [new Diagnosis(subject, DiagnosisLevel.Problem, $"cannot connect: {ex.Message}{pin}")];
        }

        var refused = new List<string>();
        foreach (var topic in new[] { $"{settings.DiscoveryPrefix}/binary_sensor/{settings.NodeId}/doctor", $"{settings.NodeId}/doctor" })
        {
            if (!await broker.PublishAsync(topic, null, cancellationToken, retain: false))
            {
                refused.Add(topic);
            }
        }

        await broker.CloseQuietlyAsync(cancellationToken);
        return refused.Count == 0
            ?
            [
                new Diagnosis(
                    subject,
                    DiagnosisLevel.Ok,
                    $"connected{(settings.Username is null ? string.Empty : $" as {settings.Username}")}; messages to {settings.DiscoveryPrefix}/…/{settings.NodeId}/… and {settings.NodeId}/… are taken"
                ),
            ]
            :
            [
                new Diagnosis(
                    subject,
                    DiagnosisLevel.Problem,
                    $"the broker refused messages to {string.Join(" and ", refused)}: let the MQTT user write {settings.DiscoveryPrefix}/+/{settings.NodeId}/# and {settings.NodeId}/# (docs/home-assistant.md)"
                ),
            ];
    }
}
