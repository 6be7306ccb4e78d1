using MQTTnet;
using MQTTnet.Protocol;
using SelfHostSync.HomeAssistant.Discovery;
using SelfHostSync.HomeAssistant.Settings;
using SelfHostSync.Http;

namespace SelfHostSync.HomeAssistant.Mqtt;

/// <summary>
/// One MQTT client to the configured broker: TLS with the pin or CA validation, the user and password, and the last
/// will (<c>offline</c>, retained, on the availability topic) the broker publishes when the daemon goes away unannounced.
/// </summary>
internal sealed class BrokerConnection : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly string _availability;
    private volatile bool _closing;

    public BrokerConnection(HomeAssistantSettings settings, HomeAssistantTopics topics)
    {
        _availability = topics.Availability;
        _client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(settings.Host, settings.Port)
            .WithClientId($"{settings.NodeId}-{Environment.MachineName}")
            .WithCleanSession(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTimeout(ConnectTimeout)
            .WithWillTopic(topics.Availability)
            .WithWillPayload(MqttPayloads.Offline)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (settings.Username is not null)
        {
            builder.WithCredentials(settings.Username, settings.Password);
        }

        if (settings.Tls)
        {
            var policy = new TlsPolicy(settings.Fingerprint, settings.InsecureSkipVerify);
            builder.WithTlsOptions(tls =>
                tls.UseTls().WithTargetHost(settings.Host).WithCertificateValidationHandler(e => policy.Validate(e.Certificate, e.SslPolicyErrors))
            );
        }

        _options = builder.Build();
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected && !_closing)
            {
                Lost?.Invoke(e.Exception?.Message ?? e.Reason.ToString());
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Raised when an established connection drops, with why.</summary>
    public event Action<string>? Lost;

    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects and says <c>online</c> (retained); throws when the broker cannot be reached or refuses.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _client.ConnectAsync(_options, cancellationToken);
        if (!await PublishAsync(_availability, MqttPayloads.Online, cancellationToken))
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
            throw new MQTTnet.Exceptions.MqttCommunicationException($"the broker refused to take {_availability} from this user");
        }
    }

    /// <summary>A retained message at least once; an empty payload clears the topic. False when the broker refused it (MQTT 5: not authorised, quota).</summary>
    public async Task<bool> PublishAsync(string topic, string? payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload ?? string.Empty)
            .WithRetainFlag(true)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await _client.PublishAsync(message, cancellationToken);
        return result.IsSuccess;
    }

    /// <summary>Says <c>offline</c> (retained) and disconnects cleanly (a clean disconnect does not send the last will).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        _closing = true;
        if (_client.IsConnected)
        {
            await PublishAsync(_availability, MqttPayloads.Offline, cancellationToken);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
        }
    }

    public void Dispose() => _client.Dispose();
}
