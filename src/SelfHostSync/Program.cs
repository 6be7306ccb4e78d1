using SelfHostSync.Cli;

// SelfHostSync: one binary for the daemon and the admin commands (DESIGN §6).
var time = TimeProvider.System;
var root = Commands.Build(time);
return await root.Parse(args).InvokeAsync();
