using System.CommandLine;
using NetDsl.Networks;
using Spectre.Console;

namespace NetDsl.Cli.Commands;

/// <summary><c>netdsl summary NET</c>: the compile-time table, without running anything.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var network = CommonOptions.NetworkArgument();
        var command = new Command("summary", "Print a network's compile-time summary: shapes, parameters, multiply-adds, receptive fields.") { network };
        command.SetAction(result => Render(Zoo.Create(result.GetValue(network)!).Description));
        return command;
    }

    public static void Render(NetworkDescription d)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title($"[bold]{d.Name}[/]  input {d.Input}, {d.Heads[0].Loss} head on {Markup.Escape(d.Targets.ToString())}");
        table.AddColumn("layer");
        table.AddColumn(new TableColumn("output").RightAligned());
        table.AddColumn(new TableColumn("params").RightAligned());
        table.AddColumn(new TableColumn("mult-adds").RightAligned());
        table.AddColumn(new TableColumn("activations").RightAligned());
        table.AddColumn(new TableColumn("receptive field").RightAligned());
        foreach (var l in d.Layers)
            table.AddRow($"{l.Name} {l.Kind}", l.Output.ToString(), $"{l.Parameters:N0}", $"{l.MultiplyAdds:N0}",
                Units.Bytes(l.ActivationBytes), l.ReceptiveField);
        table.AddEmptyRow();
        table.AddRow("[bold]total[/]", "", $"[bold]{d.TrainableParameterCount:N0}[/]", $"[bold]{d.MultiplyAdds:N0}[/]",
            Units.Bytes(d.Layers.Sum(l => l.ActivationBytes)), "");
        AnsiConsole.Write(table);
        int buffers = d.ParameterCount - d.TrainableParameterCount;
        AnsiConsole.MarkupLine($"Parameters: {d.TrainableParameterCount:N0} trainable{(buffers > 0 ? $" + {buffers:N0} running statistics" : "")} "
                               + $"({Units.Bytes(4L * d.ParameterCount)} as float32); "
                               + $"{d.MultiplyAdds:N0} multiply-adds and {Units.Bytes(d.Layers.Sum(l => l.ActivationBytes))} of activations per sample.");
        var auxiliary = d.Heads.Skip(1).ToList();
        if (auxiliary.Count > 0)
            AnsiConsole.MarkupLine("Auxiliary heads (training only): " + string.Join(", ", auxiliary.Select(h => $"{h.Stage} × {h.Weight}")) + ".");
    }
}
