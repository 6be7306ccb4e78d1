using System.Collections.Concurrent;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace SelfHostSync.HomeAssistant.Tests;

/// <summary>
/// What Home Assistant's MQTT integration sees: a client subscribed to the discovery prefix and SelfHostSync's
/// topics. It keeps the retained state (topic → payload; an empty payload takes a topic away) and every message
/// received, in order.
/// </summary>
internal sealed class RetainedView : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ConcurrentDictionary<string, string> _retained = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Topic, string Payload)> _received = new();

    private RetainedView(IMqttClient client) => _client = client;

    public IReadOnlyDictionary<string, string> Retained => _retained;

    public IReadOnlyList<(string Topic, string Payload)> Received => [.. _received];

    public static async Task<RetainedView> ConnectAsync(Mosquitto broker, params string[] filters)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var view = new RetainedView(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            var payload = e.ApplicationMessage.ConvertPayloadToString() ?? string.Empty;
            view._received.Enqueue((e.ApplicationMessage.Topic, payload));
            if (payload.Length == 0)
            {
                view._retained.TryRemove(e.ApplicationMessage.Topic, out _);
            }
            else
            {
                view._retained[e.ApplicationMessage.Topic] = payload;
            }

            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.Port)
            .WithClientId($"home-assistant-{Guid.NewGuid():N}")
            .WithCredentials(Mosquitto.Username, Mosquitto.Password)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (broker.Tls)
        {
            options.WithTlsOptions(t =>
                t.UseTls()
                    .WithTargetHost("127.0.0.1")
                    .WithCertificateValidationHandler(v =>
                        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(v.Certificate.GetRawCertData())) == broker.Fingerprint
                    )
            );
        }

        await client.ConnectAsync(options.Build());
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters.Length == 0 ? ["homeassistant/#", "selfhostsync/#"] : filters)
        {
            subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await client.SubscribeAsync(subscribe.Build());
        return view;
    }

    /// <summary>Waits until the retained state satisfies <paramref name="condition"/>; fails naming <paramref name="what"/> and what stands.</summary>
    public async Task WaitAsync(string what, Func<IReadOnlyDictionary<string, string>, bool> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition(_retained))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(
                    $"within {seconds} s: {what}; retained now:{Environment.NewLine}{string.Join(Environment.NewLine, _retained.Keys.Order())}"
                );
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The retained payload of <paramref name="topic"/> as JSON.</summary>
    public JsonElement Json(string topic)
    {
        Assert.True(_retained.TryGetValue(topic, out var payload), $"nothing retained at {topic}");
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.Clone();
    }

    /// <summary>How many messages arrived on <paramref name="topic"/> so far.</summary>
    public int CountOf(string topic) => _received.Count(m => m.Topic == topic);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }

        _client.Dispose();
    }
}
