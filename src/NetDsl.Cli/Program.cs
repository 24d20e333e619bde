using System.CommandLine;
using NetDsl.Cli.Commands;

var root = new RootCommand("netdsl: declare, train, run and inspect convolutional networks compiled from C#.")
{
    SummaryCommand.Create(),
};
return root.Parse(args).Invoke();
