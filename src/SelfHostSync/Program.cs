using SelfHostSync.Cli;

// SelfHostSync: one binary for the daemon and the admin commands (DESIGN §6).
var time = TimeProvider.System;
var root = Commands.Build(time);

// Ctrl-C / SIGTERM cancel the command; the daemon then finishes the write in flight and a drill's cleanup (StopBudget).
return await root.Parse(args)
    .InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = SelfHostSync.Daemon.StopBudget.ProcessTermination });
