using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfHostSync.Composition;
using SelfHostSync.Configuration;
using SelfHostSync.Control;
using SelfHostSync.Daemon;
using SelfHostSync.Passes;

namespace SelfHostSync.Cli;

/// <summary><c>run</c> (the daemon) and <c>resync</c> (asks it for a pass through the control API).</summary>
internal static class DaemonCommands
{
    public static Command Run(TimeProvider time)
    {
        var command = new Command("run", "The daemon: scheduled passes, control API, dashboard, metrics (systemd Type=notify)") { Commands.Config };
        command.SetAction(async (parse, ct) => await Commands.WithConfig(parse.GetValue(Commands.Config), time, async (config, log, services) =>
                {
                    await using var app = DaemonHost.Build(config, time, log);
                    try
                    {
                        await app.StartAsync(ct);
                    }
                    catch (IOException ex)
                    {
                        log.Fatal("The control API cannot listen on {Urls}: {Error}", string.Join(", ", config.Daemon.ControlUrls), ex.Message);
                        return ExitCodes.Failed;
                    }

                    log.Information(
                        "SelfHostSync running: control API on {Urls}, schedule {Schedule}",
                        string.Join(", ", app.Urls),
                        config.Daemon.Schedule
                    );
                    try
                    {
                        await app.WaitForShutdownAsync(ct);
                    }
                    finally
                    {
                        await app.StopAsync(CancellationToken.None);
                    }

                    var crashed = app.Services.GetRequiredService<DaemonHealth>().Crashed;
                    log.Information("SelfHostSync stopped{Reason}", crashed ? " after a failure" : string.Empty);
                    return crashed ? ExitCodes.Failed : ExitCodes.Ok;
                }));
        return command;
    }

    public static Command Resync(TimeProvider time)
    {
        var wait = new Option<bool>("--wait") { Description = "Wait until the pass has finished and print its summary" };
        var command = new Command("resync", "Ask the running daemon to sync now (through ControlApi)") { Commands.Config, wait };
        command.SetAction(async (parse, ct) => await Commands.WithConfig(parse.GetValue(Commands.Config), time, async (config, log, services) =>
                {
                    var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(ControlAuth.ClientName);

                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "api/sync");
                        using var response = await http.SendAsync(request, ct);
                        response.EnsureSuccessStatusCode();
                        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                        var runId = accepted.RootElement.GetProperty("runId").GetString()!;
                        Console.Out.WriteLine($"resync accepted: run {runId}");
                        if (!parse.GetValue(wait))
                        {
                            return ExitCodes.Ok;
                        }

                        while (true)
                        {
                            await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
                            using var answer = await http.GetAsync($"api/runs/{Uri.EscapeDataString(runId)}", ct);
                            if (answer.StatusCode == System.Net.HttpStatusCode.NotFound)
                            {
                                Console.Error.WriteLine($"resync: the daemon no longer knows run {runId} (restarted?)");
                                return ExitCodes.Failed;
                            }

                            answer.EnsureSuccessStatusCode();
                            using var run = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(ct));
                            var state = run.RootElement.GetProperty("state").GetString();
                            if (state is "queued" or "running")
                            {
                                continue;
                            }

                            if (state is "failed" or "aborted")
                            {
                                var why =
                                    run.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                                        ? $": {error.GetString()}"
                                        : string.Empty;
                                Console.Error.WriteLine($"resync: run {runId} {state}{why}");
                                return ExitCodes.Failed;
                            }

                            if (run.RootElement.GetProperty("report") is { ValueKind: JsonValueKind.Object } report)
                            {
                                Console.Out.WriteLine(
                                    $"run {runId} {state}: {report.GetProperty("guests").GetArrayLength()} guests, {report.GetProperty("writes").GetInt32()} writes, degraded {report.GetProperty("degraded").GetBoolean().ToString().ToLowerInvariant()}"
                                );
                            }
                            else
                            {
                                Console.Out.WriteLine($"run {runId}: {state}");
                            }

                            return ExitCodes.Ok;
                        }
                    }
                    catch (HttpRequestException ex)
                    {
                        Console.Error.WriteLine(
                            $"resync: the daemon is not reachable at {http.BaseAddress} ({ex.StatusCode?.ToString() ?? ex.Message}); is `selfhostsync run` active?"
                        );
                        return ExitCodes.DaemonUnreachable;
                    }
                    catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                    {
                        Console.Error.WriteLine($"resync: the daemon at {http.BaseAddress} did not answer in time");
                        return ExitCodes.DaemonUnreachable;
                    }
                }));
        return command;
    }

    /// <summary>Where a local client reaches a daemon bound to a wildcard address.</summary>
}
