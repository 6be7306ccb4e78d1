using System.Text.Json;
using SelfHostSync.Lab;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.TestKit;

/// <summary>The demo lab plus a state directory and a configuration pointing at it, for the executable to run against.</summary>
public sealed class LabRun : IAsyncDisposable
{
    private LabRun(LabHost lab, string directory)
    {
        Lab = lab;
        Directory = directory;
    }

    public LabHost Lab { get; }

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "appsettings.json");

    public static async Task<LabRun> StartAsync(Func<string, string>? editConfig = null, Func<LabScenario, LabScenario>? editScenario = null)
    {
        var lab = await DemoLab.StartAsync(editScenario);
        var dir = System.IO.Directory.CreateTempSubdirectory("shs-test-").FullName;
        var run = new LabRun(lab, dir);
        var text = File.ReadAllText(Path.Combine(DemoLab.ConfigDirectory, "demo-appsettings.json"))
            .Replace("{{state}}", JsonEncodedText.Encode(Path.Combine(dir, "state")).ToString(), StringComparison.Ordinal);
        text = lab.Fill(text);

        File.WriteAllText(run.ConfigPath, editConfig is null ? text : editConfig(text));
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        await Lab.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException) { }
    }
}
