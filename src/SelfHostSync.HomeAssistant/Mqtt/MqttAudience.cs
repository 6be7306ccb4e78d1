using Microsoft.Extensions.Logging;
using MQTTnet.Exceptions;
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
    private static readonly TimeSpan CloseBudget = TimeSpan.FromSeconds(3);
    private readonly EstateMessages _messages = new(settings);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private RunReport? _latest;

    public void Show(RunReport report)
    {
        Volatile.Write(ref _latest, report);
        Wake();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var published = new Dictionary<string, string>(await memory.LoadAsync(Name, cancellationToken), StringComparer.Ordinal);
        using var broker = new BrokerConnection(settings, _messages.Topics);
        broker.Lost += why =>
        {
            LogLost(settings.Broker, why);
            Wake();
        };
        RunReport? shown = null;
        var retry = FirstRetry;
        var outage = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!broker.IsConnected)
                {
                    if (!await TryConnectAsync(broker, outage, cancellationToken))
                    {
                        outage = true;
                        await Task.Delay(retry, time, cancellationToken);
                        retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
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
                        continue;
                    }

                    shown = report;
                }

                await _wake.WaitAsync(cancellationToken);
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
        catch (Exception ex)
            when (ex is MqttCommunicationException or IOException or System.Net.Sockets.SocketException or TimeoutException
                || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested
            )
        {
            if (!outage)
            {
                LogUnreachable(settings.Broker, ex.Message);
            }

            return false;
        }
    }

    /// <returns>False when the connection dropped on the way (what was sent is remembered; the rest goes after the reconnect).</returns>
    private async Task<bool> PublishAsync(
        BrokerConnection broker,
        RunReport report,
        Dictionary<string, string> published,
        bool everything,
        CancellationToken cancellationToken
    )
    {
        var changes = RetainedChanges.Between(_messages.Of(report, published), published, everything);
        var done = new List<KeyValuePair<string, string?>>(changes.Count);
        var refused = new List<string>();
        try
        {
            foreach (var change in changes)
            {
                if (!await broker.PublishAsync(change.Key, change.Value, cancellationToken))
                {
                    // Not remembered as standing: tried again after the next pass.
                    refused.Add(change.Key);
                    continue;
                }

                done.Add(change);
                if (change.Value is null)
                {
                    published.Remove(change.Key);
                }
                else
                {
                    published[change.Key] = change.Value;
                }
            }

            if (refused.Count > 0)
            {
                LogRefused(refused.Count, refused[0]);
            }

            LogPublished(done.Count, done.Count(c => c.Value is null), report.RunId);
            return true;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or IOException or ObjectDisposedException)
        {
            LogPublishFailed(done.Count, changes.Count, ex.Message);
            return false;
        }
        finally
        {
            await RememberAsync(done);
        }
    }

    private async Task RememberAsync(List<KeyValuePair<string, string?>> done)
    {
        try
        {
            await memory.SaveAsync(Name, done, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Kept in this process; a restart publishes everything again and may miss clearing what this forgot.
            LogMemoryFailed(ex.Message);
        }
    }

    private async Task CloseAsync(BrokerConnection broker)
    {
        using var budget = new CancellationTokenSource(CloseBudget, time);
        try
        {
            await broker.CloseAsync(budget.Token);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The broker will send the last will once it notices.
            LogCloseFailed(ex.Message);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Home Assistant: published {Messages} retained messages ({Cleared} cleared) for pass {RunId}")]
    private partial void LogPublished(int messages, int cleared, string runId);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Home Assistant: publishing stopped after {Sent} of {Total} messages: {Error}; the rest follows the reconnect"
    )]
    private partial void LogPublishFailed(int sent, int total, string error);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Home Assistant: the broker refused {Refused} messages (first {Topic}): may the MQTT user publish there (broker ACL)? Tried again after the next pass"
    )]
    private partial void LogRefused(int refused, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Home Assistant: could not record what was published: {Error}")]
    private partial void LogMemoryFailed(string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Home Assistant: could not say offline before stopping: {Error}")]
    private partial void LogCloseFailed(string error);
}
