using System.Globalization;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Dsm;

/// <summary>The data answers, in the shapes recorded in ../shared/fixtures/synology (DSM 7 where recorded, else DSM 6).</summary>
internal sealed class DsmAnswers(SynologySpec spec, DateTimeOffset now)
{
    private static readonly string[] Dns = ["192.168.1.1"];

    /// <summary>A pool's disks; without any given, one healthy disk per pool (sata1, sata2, …).</summary>
    private IReadOnlyList<NasDiskSpec> DisksOf(NasPoolSpec pool) =>
        pool.Disks ?? [new NasDiskSpec($"sata{spec.Pools.IndexOf(pool) + 1}", $"Drive {spec.Pools.IndexOf(pool) + 1}")];

    private TimeSpan Offset => TimeSpan.FromHours(spec.UtcOffsetHours);

    public object? Answer(string api, string method, Dictionary<string, string> p) =>
        (api, method) switch
        {
            ("SYNO.DSM.Info", "getinfo") => DsmSimulator.Ok(
                new
                {
                    codepage = "enu",
                    model = "DS920+",
                    ram = 4096,
                    serial = "2040SBRN0000",
                    temperature = 41,
                    temperature_warn = false,
                    time = Local(DateTimeOffset.UtcNow).ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture),
                    uptime = 864000,
                    version = "72806",
                    version_string = "DSM 7.2.2-72806 Update 3",
                }
            ),
            ("SYNO.Core.System", "info") => DsmSimulator.Ok(
                new
                {
                    model = "DS920+",
                    firmware_ver = "DSM 7.2.2-72806 Update 3",
                    time = Local(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    time_zone = "Amsterdam",
                    time_zone_desc = $"(GMT{(spec.UtcOffsetHours >= 0 ? "+" : "-")}{Math.Abs(spec.UtcOffsetHours):00}:00) Amsterdam, Berlin",
                    enabled_ntp = true,
                }
            ),
            ("SYNO.DSM.Network", "list") => DsmSimulator.Ok(
                new
                {
                    dns = Dns,
                    gateway = "192.168.1.1",
                    hostname = spec.Hostname,
                    workgroup = "WORKGROUP",
                    interfaces = new[]
                    {
                        new
                        {
                            id = "eth0",
                            ip = spec.Addresses.Select(a => new { address = a, netmask = "255.255.255.0" }).ToArray(),
                            mac = "00-11-32-AA-BB-CC",
                            type = "lan",
                        },
                    },
                }
            ),
            ("SYNO.Core.Share", "list") => DsmSimulator.Ok(
                new
                {
                    shares = spec
                        .Shares.Select(s => new
                        {
                            name = s.Name,
                            vol_path = s.Volume,
                            desc = string.Empty,
                            hidden = false,
                            encryption = 0,
                            is_aclmode = true,
                            support_snapshot = true,
                        })
                        .ToArray(),
                    total = spec.Shares.Count,
                }
            ),
            ("SYNO.Storage.CGI.Storage", "load_info") => DsmSimulator.Ok(
                new
                {
                    disks = spec
                        .Pools.SelectMany(pl =>
                            DisksOf(pl)
                                .Select(d => new
                                {
                                    id = d.Id,
                                    name = d.Name,
                                    status = "normal",
                                    smart_status = d.Smart,
                                    exceed_bad_sector_thr = d.BadSectors,
                                    below_remain_life_thr = d.LowLife,
                                    remain_life = -1,
                                    used_by = pl.Id,
                                    container = new { type = "internal", str = "DS920+" },
                                })
                        )
                        .ToArray(),
                    storagePools = spec
                        .Pools.Select(pl => new
                        {
                            id = pl.Id,
                            pool_path = pl.Id,
                            status = pl.Status,
                            disk_failure_number = pl.DiskFailures,
                            device_type = "shr_without_disk_protect",
                            disks = DisksOf(pl).Select(d => d.Id).ToArray(),
                        })
                        .ToArray(),
                    volumes = spec
                        .Volumes.Select(v => new
                        {
                            id = v.Id,
                            num_id = int.Parse(v.Id.Split('_')[^1], CultureInfo.InvariantCulture),
                            vol_path = v.Path,
                            pool_path = v.Pool,
                            status = v.Status,
                            fs_type = "btrfs",
                            size = new { total = "3998614061056", used = "1234567890123" },
                        })
                        .ToArray(),
                    env = new { status = new { system_crashed = false, system_need_repair = false } },
                }
            ),
            ("SYNO.Backup.Task", "list") => DsmSimulator.Ok(
                new
                {
                    is_data_restoring = false,
                    is_restoring = false,
                    task_list = spec.HyperBackupTasks.Select(TaskRow).ToArray(),
                }
            ),
            ("SYNO.Backup.Task", "status") => spec.HyperBackupTasks.FirstOrDefault(t =>
                t.Id.ToString(CultureInfo.InvariantCulture) == p.GetValueOrDefault("task_id")
            )
                is { } task
                ? DsmSimulator.Ok(Status(task))
                : DsmSimulator.Error(120),
            ("SYNO.SDS.Backup.Client.Common.Log", "list") => DsmSimulator.Ok(
                new
                {
                    error_count = 0,
                    info_count = spec.BackupLog.Count,
                    warn_count = 0,
                    offset = 0,
                    total = spec.BackupLog.Count,
                    log_list = spec
                        .BackupLog.Where(l => !p.TryGetValue("filter_keyword", out var k) || l.Contains(k, StringComparison.OrdinalIgnoreCase))
                        .Select(
                            (l, i) =>
                                new
                                {
                                    @event = l,
                                    level = "info",
                                    time = Local(now - TimeSpan.FromHours(i + 1)).ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture),
                                    user = "admin",
                                }
                        )
                        .ToArray(),
                }
            ),
            ("SYNO.ActiveBackup.Task", "list") => DsmSimulator.Ok(
                new
                {
                    has_devices = true,
                    total = spec.ActiveBackupTasks.Count,
                    tasks = spec
                        .ActiveBackupTasks.Select(
                            (t, i) =>
                                new
                                {
                                    task_id = i + 1,
                                    task_name = t.Key,
                                    backup_type = 1,
                                    device_count = 1,
                                    last_result = new
                                    {
                                        task_id = i + 1,
                                        task_name = t.Key,
                                        job_action = 1,
                                        status = t.Value,
                                        time_start = (now - TimeSpan.FromHours(8)).ToUnixTimeSeconds(),
                                        time_end = (now - TimeSpan.FromHours(7)).ToUnixTimeSeconds(),
                                    },
                                }
                        )
                        .ToArray(),
                }
            ),
            ("SYNO.DR.Plan", "list") => DsmSimulator.Ok(
                new
                {
                    plans = spec
                        .ReplicationPlans.Select(
                            (p, i) =>
                                new
                                {
                                    // DSM 7: the requested extras under "additional"; the plan id is a UUID.
                                    plan_id = $"6a0c2f9e-0000-4000-8000-{i + 1:D12}",
                                    dr_site = "b1f0c2aa-1111-4000-8000-000000000002",
                                    main_site = "b1f0c2aa-1111-4000-8000-000000000001",
                                    is_to_local = false,
                                    role = 1,
                                    role_str = "mainsite",
                                    solution_type = 1,
                                    sync_mode = 0,
                                    target_id = p.Key,
                                    target_type = 0,
                                    additional = new
                                    {
                                        dr_site_info = new
                                        {
                                            hostname = p.Value,
                                            node_id = "b1f0c2aa-1111-4000-8000-000000000002",
                                            target_id = p.Key,
                                            status = "normal",
                                            role = 2,
                                        },
                                        last_op_info = new
                                        {
                                            err_code = 0,
                                            is_success = true,
                                            op_status = 16,
                                            update_time = (now - TimeSpan.FromHours(3)).ToUnixTimeSeconds(),
                                        },
                                    },
                                }
                        )
                        .ToArray(),
                }
            ),
            _ => null,
        };

    private DateTime Local(DateTimeOffset utc) => utc.ToOffset(Offset).DateTime;

    private string? LocalStamp(double? ageHours) =>
        ageHours is { } h ? Local(now - TimeSpan.FromHours(h)).ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture) : string.Empty;

    private object TaskRow(HyperBackupSpec t) =>
        new
        {
            task_id = t.Id,
            name = t.Name,
            state = t.State,
            status = "none",
            last_bkp_result = t.LastResult,
            data_enc = false,
            data_type = "data",
            last_bkp_time = LocalStamp(t.LastSuccessAgeHours),
            last_bkp_end_time = LocalStamp(t.LastSuccessAgeHours),
            repo_id = t.Id,
            target_id = $"task_{t.Id}.hbk",
            target_type = t.TargetType,
            transfer_type = t.TransferType,
            type = $"{t.TargetType}:{t.TransferType}",
            source = new
            {
                app_list = Array.Empty<string>(),
                file_list = t
                    .Sources.Select(s => new
                    {
                        dataEncryped = false,
                        encryptedShare = false,
                        fileSystem = "BTRFS",
                        fileSystemType = "internal",
                        folderPath = s[s.IndexOf('/', 1)..],
                        fullPath = s,
                        isValidSource = true,
                        missing = false,
                    })
                    .ToArray(),
            },
        };

    private object Status(HyperBackupSpec t) =>
        new
        {
            task_id = t.Id,
            state = t.State,
            status = "none",
            last_bkp_result = t.LastResult,
            last_bkp_error = string.Empty,
            last_bkp_error_code = 4401,
            last_bkp_end_time = LocalStamp(t.LastSuccessAgeHours),
            last_bkp_success_time = LocalStamp(t.LastSuccessAgeHours),
            last_bkp_time = LocalStamp(t.LastSuccessAgeHours),
            next_bkp_time = Local(now + TimeSpan.FromHours(12)).ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture),
        };
}
