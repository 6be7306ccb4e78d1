using MQTTnet;
using MQTTnet.Protocol;
using SelfHostSync.HomeAssistant.Discovery;
using SelfHostSync.HomeAssistant.Settings;
using SelfHostSync.Http;

namespace SelfHostSync.HomeAssistant.Mqtt;

/// <summary>
/// One MQTT client to the configured broker: TLS with the pin or CA validation, the user and password, and the last
/// will (<c>offline</c>, retained, on the availability topic) the broker publishes when the daemon goes away unannounced.
/// Every wait on the broker has a deadline (MQTTnet applies its own only to calls that cannot be cancelled).
/// </summary>
internal sealed class BrokerConnection : IDisposable
{
    /// <summary>For the TCP and TLS handshake and the broker's CONNACK.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>For one message's PUBACK.</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    /// <summary>For saying offline and disconnecting.</summary>
    public static readonly TimeSpan CloseBudget = TimeSpan.FromSeconds(3);

    private readonly MqttClientOptions _options;
    private IMqttClient _client;
    private bool _used;
    private readonly string _availability;
    private readonly TimeProvider _time;
    private readonly TlsPolicy? _tls;
    private volatile bool _quiet;

    /// <param name="settings">The broker and credentials.</param>
    /// <param name="topics">Where availability goes.</param>
    /// <param name="time">Measures the deadlines.</param>
    /// <param name="probe">For <c>doctor</c>: its own client id, and no last will (its going away says nothing about the daemon).</param>
    public BrokerConnection(HomeAssistantSettings settings, HomeAssistantTopics topics, TimeProvider time, bool probe = false)
    {
        _availability = topics.Availability;
        _time = time;
        _client = NewClient();
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
    }

    /// <summary>Raised when an established connection drops (not when this side closes it), with why.</summary>
    public event Action<string>? Lost;

    public bool IsConnected => _client.IsConnected;

    /// <summary>The fingerprint the broker presented when it did not match the pin, else null.</summary>
    public string? PinMismatch => _tls?.LastMismatch;

    /// <summary>Connects; throws when the broker cannot be reached, does not answer in time, or refuses the login.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        // A fresh client for every attempt: MQTTnet's client refuses to connect while it is still tearing down a dropped
        // connection, and may stay in that state.
        if (_used)
        {
            var old = _client;
            _client = NewClient();
            old.Dispose();
        }

        _used = true;
        _quiet = false;
        using var deadline = new CancellationTokenSource(ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(_options, linked.Token);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // MQTTnet wraps the cancellation in its own exception.
            throw new TimeoutException($"no answer within {ConnectTimeout.TotalSeconds:0} s", ex);
        }

        // A refused CONNECT (a wrong password, a banned client id) is an answer, not an exception.
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
        bool announced;
        try
        {
            announced = await PublishAsync(_availability, MqttPayloads.Online, cancellationToken);
        }
        catch
        {
            // Connected but not announced: Home Assistant would keep every entity unavailable. Drop it and try again.
            await CloseWithinBudgetAsync();
            throw;
        }

        if (!announced)
        {
            await CloseWithinBudgetAsync();
            throw new MQTTnet.Exceptions.MqttCommunicationException($"the broker refused to take {_availability} from this user");
        }
    }

    /// <summary>
    /// A message at least once, retained unless said; an empty payload clears the topic. False when the broker refused
    /// it (MQTT 5: not authorised, quota); throws when the connection fails or no PUBACK comes in time.
    /// </summary>
    public async Task<bool> PublishAsync(string topic, string? payload, CancellationToken cancellationToken, bool retain = true)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload ?? string.Empty)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        using var deadline = new CancellationTokenSource(PublishTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return (await _client.PublishAsync(message, linked.Token)).IsSuccess;
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no acknowledgement for {topic} within {PublishTimeout.TotalSeconds:0} s", ex);
        }
    }

    /// <summary>Says <c>offline</c> (retained) and disconnects cleanly (a clean disconnect does not send the last will).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        _quiet = true;
        if (_client.IsConnected)
        {
            await PublishAsync(_availability, MqttPayloads.Offline, cancellationToken);
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
        }
    }

    /// <summary>Disconnects without saying offline (a probe, a refused start, a broker that stopped answering).</summary>
    public async Task CloseQuietlyAsync(CancellationToken cancellationToken)
    {
        _quiet = true;
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
        }
    }

    /// <summary>
    /// Disconnects within <see cref="CloseBudget"/>, saying offline first when asked; a broker that is gone or does not
    /// answer is left to notice (and to send the last will). Returns why it could not close cleanly, else null.
    /// </summary>
    public async Task<string?> CloseWithinBudgetAsync(bool sayOffline = false)
    {
        using var deadline = new CancellationTokenSource(CloseBudget, _time);
        try
        {
            await (sayOffline ? CloseAsync(deadline.Token) : CloseQuietlyAsync(deadline.Token));
            return null;
        }
        catch (Exception ex) when (IsUnreachable(ex, CancellationToken.None) || ex is OperationCanceledException or ObjectDisposedException)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Whether <paramref name="ex"/> says the broker could not be reached or used now (refused, silent, dropped), as
    /// opposed to the caller stopping.
    /// </summary>
    public static bool IsUnreachable(Exception ex, CancellationToken cancellationToken) =>
        ex
            is MQTTnet.Exceptions.MqttCommunicationException
                or IOException
                or System.Net.Sockets.SocketException
                or TimeoutException
                // MQTTnet refuses to connect while a dropped connection is still being torn down.
                or InvalidOperationException
        || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested;

    public void Dispose() => _client.Dispose();

    private IMqttClient NewClient()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.DisconnectedAsync += e =>
        {
            // Only the current client's drop is news; a replaced one may report its end late.
            if (e.ClientWasConnected && !_quiet && ReferenceEquals(client, _client))
            {
                Lost?.Invoke(e.Exception?.Message ?? e.Reason.ToString());
            }

            return Task.CompletedTask;
        };
        return client;
    }
}
