using System.CommandLine;
using NetDsl.Cli.Commands;

var root = new RootCommand("netdsl: declare, train, run and inspect convolutional networks compiled from C#.")
{
    TrainCommand.Create(),
    EvalCommand.Create(),
    SummaryCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
