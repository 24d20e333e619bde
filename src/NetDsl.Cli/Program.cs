using System.CommandLine;
using NetDsl.Cli.Commands;
using Spectre.Console;

// Piped output has no terminal: Spectre would assume 80 columns and wrap tables, and still write colour codes.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 132;
    AnsiConsole.Profile.Capabilities.Ansi = false;
}

var root = new RootCommand("netdsl: declare, train, run and inspect convolutional networks compiled from C#.")
{
    TrainCommand.Create(),
    EvalCommand.Create(),
    SummaryCommand.Create(),
    BenchCommand.Create(),
    GpuCheckCommand.Create(),
    KernelsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
