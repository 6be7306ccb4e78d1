using SelfHostSync.Lab;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.TestKit;

/// <summary>The demo lab (<c>config/demo-lab.json</c>): the one way every test project starts a lab.</summary>
public static class DemoLab
{
    /// <summary>The directory holding the demo's scenario and configuration, next to the test binaries.</summary>
    public static string ConfigDirectory => Path.Combine(AppContext.BaseDirectory, "config");

    public static LabScenario Scenario => LabScenario.Load(Path.Combine(ConfigDirectory, "demo-lab.json"));

    /// <summary>Starts the demo lab, changed by <paramref name="edit"/>, with "now" as the present.</summary>
    public static Task<LabHost> StartAsync(Func<LabScenario, LabScenario>? edit = null) =>
        LabHost.StartAsync(edit is null ? Scenario : edit(Scenario), DateTimeOffset.UtcNow, CancellationToken.None);

    /// <summary>
    /// The demo lab with guest 100's raw GPU passthrough taken out: only root@pam may restore raw passthrough, so with
    /// the documented drill token the demo's 100 is passed over, and tests that drill it need it without.
    /// </summary>
    public static LabScenario WithoutPassthrough(LabScenario s) =>
        s with
        {
            Clusters =
            [
                .. s.Clusters.Select(c =>
                    c.Name != "homelab"
                        ? c
                        : c with
                        {
                            Guests =
                            [
                                .. c.Guests.Select(g =>
                                    g.Vmid != 100 ? g : g with { Disks = new Dictionary<string, string>(g.Disks.Where(d => d.Key != "hostpci0")) }
                                ),
                            ],
                        }
                ),
            ],
        };

    /// <summary>
    /// The demo lab with container 121 as a non-root drill token can restore it (unprivileged, no bind mount): the
    /// demo's 121 is privileged with a bind mount, which only root@pam may restore, and its drills are passed over.
    /// </summary>
    public static LabScenario DrillableContainer(LabScenario s) =>
        s with
        {
            Clusters =
            [
                .. s.Clusters.Select(c =>
                    c.Name != "homelab"
                        ? c
                        : c with
                        {
                            Guests =
                            [
                                .. c.Guests.Select(g =>
                                    g.Vmid != 121
                                        ? g
                                        : g with
                                        {
                                            Disks = new Dictionary<string, string>(g.Disks.Where(d => d.Key != "mp0")) { ["unprivileged"] = "1" },
                                        }
                                ),
                            ],
                        }
                ),
            ],
        };
}
