using Microsoft.Extensions.Logging;
using MQTTnet.Exceptions;
using SelfHostSync.Core.Sync;

namespace SelfHostSync.HomeAssistant.Mqtt;

/// <summary>
/// One round of retained messages to the broker, and what the state store remembers of it: what is about to be sent is
/// recorded before it is sent (a crash half-way never leaves a message standing that the store does not know), what the
/// broker refuses is taken back, and a clear is recorded once it went.
/// </summary>
internal sealed partial class PublishRound(IAudienceMemory memory, ILogger log)
{
    /// <returns>False when the connection dropped or stopped answering on the way (the rest goes after the reconnect).</returns>
    public async Task<bool> SendAsync(
        BrokerConnection broker,
        IReadOnlyList<KeyValuePair<string, string?>> changes,
        Dictionary<string, string> published,
        string runId,
        CancellationToken cancellationToken
    )
    {
        // Remembered before they are sent: a crash half-way still knows what may stand on the broker, and clears it
        // when it no longer applies. What the broker refuses is taken back below.
        List<KeyValuePair<string, string?>> sets = [.. changes.Where(c => c.Value is not null)];
        var before = sets.ToDictionary(c => c.Key, c => published.GetValueOrDefault(c.Key), StringComparer.Ordinal);
        await RememberAsync(sets);
        foreach (var (topic, payload) in sets)
        {
            published[topic] = payload!;
        }

        var settled = new List<KeyValuePair<string, string?>>();
        var refused = new List<string>();
        var sent = 0;
        var cleared = 0;
        try
        {
            foreach (var (topic, payload) in changes)
            {
                if (!await broker.PublishAsync(topic, payload, cancellationToken))
                {
                    // What stood before still stands (a refused message replaces nothing); tried again after the next pass.
                    refused.Add(topic);
                    if (payload is not null)
                    {
                        if (before[topic] is { } standing)
                        {
                            published[topic] = standing;
                        }
                        else
                        {
                            published.Remove(topic);
                        }

                        settled.Add(KeyValuePair.Create(topic, before[topic]));
                    }

                    continue;
                }

                sent++;
                if (payload is null)
                {
                    cleared++;
                    published.Remove(topic);
                    settled.Add(KeyValuePair.Create(topic, (string?)null));
                }
            }

            if (refused.Count > 0)
            {
                LogRefused(refused.Count, refused[0]);
            }

            LogPublished(sent, cleared, runId);
            return true;
        }
        catch (Exception ex) when (ex is MqttCommunicationException or IOException or ObjectDisposedException or TimeoutException)
        {
            LogPublishFailed(sent, changes.Count, ex.Message);
            if (ex is TimeoutException)
            {
                await broker.CloseWithinBudgetAsync();
            }

            return false;
        }
        finally
        {
            await RememberAsync(settled);
        }
    }

    private async Task RememberAsync(List<KeyValuePair<string, string?>> done)
    {
        try
        {
            await memory.SaveAsync(MqttAudience.Name, done, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Kept in this process; a restart publishes everything again and may miss clearing what this forgot.
            LogMemoryFailed(ex.Message);
        }
    }

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
}
