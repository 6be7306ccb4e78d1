using SelfHostSync.Core.Sync;
using SelfHostSync.HomeAssistant.Discovery;
using SelfHostSync.HomeAssistant.Settings;
using SelfHostSync.Http;

namespace SelfHostSync.HomeAssistant.Mqtt;

/// <summary>
/// <c>doctor</c> for the broker: connect with the configured login and TLS, then send one empty, not retained message
/// under each tree the daemon writes (<c>&lt;prefix&gt;/binary_sensor|sensor/&lt;node&gt;/doctor</c>, which Home
/// Assistant never reads because discovery listens only to <c>…/config</c>, and <c>&lt;node&gt;/doctor</c>), so an ACL
/// that would refuse the daemon's messages shows now (MQTT 5 brokers answer a refused message; older ones drop it).
/// </summary>
internal sealed class MqttDoctor(HomeAssistantSettings settings, TimeProvider time) : IEndpointDoctor
{
    public async Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(CancellationToken cancellationToken)
    {
        var subject = $"HomeAssistant {settings.Broker}";
        using var broker = new BrokerConnection(settings, new HomeAssistantTopics(settings), time, probe: true);
        var refused = new List<string>();
        var connected = false;
        try
        {
            await broker.OpenAsync(cancellationToken);
            connected = true;
            foreach (
                var topic in new[]
                {
                    $"{settings.DiscoveryPrefix}/binary_sensor/{settings.NodeId}/doctor",
                    $"{settings.DiscoveryPrefix}/sensor/{settings.NodeId}/doctor",
                    $"{settings.NodeId}/doctor",
                }
            )
            {
                if (!await broker.PublishAsync(topic, null, cancellationToken, retain: false))
                {
                    refused.Add(topic);
                }
            }

            await broker.CloseWithinBudgetAsync();
        }
        catch (Exception ex) when (BrokerConnection.IsUnreachable(ex, cancellationToken))
        {
            var pin = broker.PinMismatch is { } seen
                ? $"; the broker presented {Fingerprints.Display(seen)}, not the pinned Fingerprint"
                : string.Empty;
            return [new Diagnosis(subject, DiagnosisLevel.Problem, $"{(connected ? "the connection broke" : "cannot connect")}: {ex.Message}{pin}")];
        }

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
