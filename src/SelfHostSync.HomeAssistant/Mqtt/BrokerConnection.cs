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
    private readonly TlsPolicy? _tls;
    private volatile bool _closing;

    /// <param name="settings">The broker and credentials.</param>
    /// <param name="topics">Where availability goes.</param>
    /// <param name="probe">For <c>doctor</c>: its own client id, and no last will (its going away says nothing about the daemon).</param>
    public BrokerConnection(HomeAssistantSettings settings, HomeAssistantTopics topics, bool probe = false)
    {
        _availability = topics.Availability;
        _client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(settings.Host, settings.Port)
            .WithClientId($"{settings.NodeId}-{Environment.MachineName}{(probe ? "-doctor" : string.Empty)}")
            .WithCleanSession(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTimeout(ConnectTimeout);
        if (!probe)
        {
            builder
                .WithWillTopic(topics.Availability)
                .WithWillPayload(MqttPayloads.Offline)
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        }

        if (settings.Username is not null)
        {
            builder.WithCredentials(settings.Username, settings.Password);
        }

        if (settings.Tls)
        {
            _tls = new TlsPolicy(settings.Fingerprint, settings.InsecureSkipVerify);
            builder.WithTlsOptions(tls =>
                tls.UseTls().WithTargetHost(settings.Host).WithCertificateValidationHandler(e => _tls.Validate(e.Certificate, e.SslPolicyErrors))
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

    /// <summary>The fingerprint the broker presented when it did not match the pin, else null.</summary>
    public string? PinMismatch => _tls?.LastMismatch;

    /// <summary>Connects; throws when the broker cannot be reached or refuses the login.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        // A refused CONNECT (a wrong password, a banned client id) is an answer, not an exception.
        var result = await _client.ConnectAsync(_options, cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MQTTnet.Exceptions.MqttCommunicationException(
                $"the broker refused the login: {result.ResultCode}{(string.IsNullOrEmpty(result.ReasonString) ? string.Empty : $" ({result.ReasonString})")}"
            );
        }
    }

    /// <summary>Connects and says <c>online</c> (retained); throws when the broker cannot be reached or refuses.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken);
        if (!await PublishAsync(_availability, MqttPayloads.Online, cancellationToken))
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
            throw new MQTTnet.Exceptions.MqttCommunicationException($"the broker refused to take {_availability} from this user");
        }
    }

    /// <summary>A message at least once, retained unless said; an empty payload clears the topic. False when the broker refused it (MQTT 5: not authorised, quota).</summary>
    public async Task<bool> PublishAsync(string topic, string? payload, CancellationToken cancellationToken, bool retain = true)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload ?? string.Empty)
            .WithRetainFlag(retain)
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

    /// <summary>Disconnects without saying offline (a probe).</summary>
    public async Task CloseQuietlyAsync(CancellationToken cancellationToken)
    {
        _closing = true;
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
        }
    }

    public void Dispose() => _client.Dispose();
}
