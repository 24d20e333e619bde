using System.CommandLine;
using NetDsl.Cli.Commands;
using Spectre.Console;

// Piped output has no terminal width; Spectre would assume 80 columns and wrap tables.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 132;

var root = new RootCommand("netdsl: declare, train, run and inspect convolutional networks compiled from C#.")
{
    TrainCommand.Create(),
    EvalCommand.Create(),
    SummaryCommand.Create(),
    BenchCommand.Create(),
    GpuCheckCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
