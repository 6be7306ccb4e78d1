using Microsoft.Extensions.Logging;
using SelfHostSync.Core.Sync;
using SelfHostSync.HomeAssistant.Discovery;
using SelfHostSync.HomeAssistant.Settings;

namespace SelfHostSync.HomeAssistant.Mqtt;

/// <summary>
/// Home Assistant as an audience of every pass. It keeps one connection to the broker (reconnecting with back-off from
/// 1 s to 1 min), and after each pass publishes what changed since the last one (retained, at least once). After every
/// connect it publishes everything again, because a broker that restarted may have lost its retained messages, and
/// clears what stood from earlier passes or processes but no longer applies (a deleted guest, a level no longer shown).
/// </summary>
internal sealed partial class MqttAudience(HomeAssistantSettings settings, IAudienceMemory memory, TimeProvider time, ILogger<MqttAudience> log)
    : IPassAudience,
        IDisposable
{
    public const string Name = "homeassistant";
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(1);
    private readonly EstateMessages _messages = new(settings);
    private readonly PublishRound _round = new(memory, log);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private RunReport? _latest;

    public void Show(RunReport report)
    {
        Volatile.Write(ref _latest, report);
        Wake();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var broker = new BrokerConnection(settings, _messages.Topics, time);
        broker.Lost += why =>
        {
            LogLost(settings.Broker, why);
            Wake();
        };
        Dictionary<string, string>? published = null;
        RunReport? shown = null;
        var retry = FirstRetry;
        var outage = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    published ??= new Dictionary<string, string>(await memory.LoadAsync(Name, cancellationToken), StringComparer.Ordinal);
                    if (!broker.IsConnected)
                    {
                        if (!await TryConnectAsync(broker, outage, cancellationToken))
                        {
                            outage = true;
                            await Task.Delay(retry, time, cancellationToken);
                            retry = Longer(retry);
                            continue;
                        }

                        LogConnected(settings.Broker, settings.DiscoveryPrefix);
                        outage = false;
                        retry = FirstRetry;
                        shown = null;
                    }

                    if (Volatile.Read(ref _latest) is { } report && !ReferenceEquals(report, shown))
                    {
                        if (!await PublishAsync(broker, report, published, everything: shown is null, cancellationToken))
                        {
                            // Dropped or stopped answering: reconnect (and publish everything) once the client has settled.
                            shown = null;
                            await Task.Delay(FirstRetry, time, cancellationToken);
                            continue;
                        }

                        shown = report;
                    }

                    await _wake.WaitAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Anything unforeseen (the state store not answering, a client that refuses to connect yet): said,
                    // waited out, tried again; the audience never stops before the daemon does.
                    LogTrouble(ex.Message);
                    shown = null;
                    await Task.Delay(retry, time, cancellationToken);
                    retry = Longer(retry);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: say offline below.
        }
        finally
        {
            await CloseAsync(broker);
        }
    }

    public void Dispose() => _wake.Dispose();

    private static TimeSpan Longer(TimeSpan retry) => TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
        catch (ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task<bool> TryConnectAsync(BrokerConnection broker, bool outage, CancellationToken cancellationToken)
    {
        try
        {
            await broker.ConnectAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (BrokerConnection.IsUnreachable(ex, cancellationToken))
        {
            if (!outage)
            {
                LogUnreachable(settings.Broker, ex.Message);
            }

            return false;
        }
    }

    private Task<bool> PublishAsync(
        BrokerConnection broker,
        RunReport report,
        Dictionary<string, string> published,
        bool everything,
        CancellationToken cancellationToken
    ) =>
        _round.SendAsync(
            broker,
            RetainedChanges.Between(_messages.Of(report, published), published, everything),
            published,
            report.RunId,
            cancellationToken
        );

    private async Task CloseAsync(BrokerConnection broker)
    {
        // When it cannot be said, the broker sends the last will once it notices.
        if (await broker.CloseWithinBudgetAsync(sayOffline: true) is { } error)
        {
            LogCloseFailed(error);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Home Assistant: connected to {Broker}; discovery under {Prefix}")]
    private partial void LogConnected(string broker, string prefix);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Home Assistant: MQTT broker {Broker} not reachable: {Error}; trying again with back-off up to 1 min"
    )]
    private partial void LogUnreachable(string broker, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Home Assistant: connection to {Broker} lost: {Error}; reconnecting")]
    private partial void LogLost(string broker, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Home Assistant: {Error}; trying again")]
    private partial void LogTrouble(string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Home Assistant: could not say offline before stopping: {Error}")]
    private partial void LogCloseFailed(string error);
}
