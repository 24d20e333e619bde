using System.Globalization;
using NetDsl.Runtime.Cuda;
using Spectre.Console;

namespace NetDsl.Cli.Kernels;

/// <summary>
/// One row per kernel (then per device function ptxas compiled on its own; spills as stores + loads), the budget
/// violations, the summary line.
/// </summary>
internal sealed class TableReport : KernelsReport
{
    public override void Compiled(KernelsTarget target, CompiledGpuProgram program, KernelBudgets budgets, IReadOnlyList<BudgetViolation> violations)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title($"[bold]{Markup.Escape(target.NetworkName)}[/] for {program.Device.RealArchitecture}, NVRTC {Nvrtc.Version}");
        table.AddColumn("kernel");
        foreach (string column in (string[])["threads", "registers", "spills", "static smem", "dynamic smem", "occupancy", "limited by", "compile"])
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var k in program.Kernels)
            table.AddRow(Markup.Escape(k.Name), $"{k.ThreadsPerBlock}", $"{k.Registers}", Spills(k.SpillStoreBytes, k.SpillLoadBytes, budgets),
                Bytes(k.StaticSharedBytes), Bytes(k.DynamicSharedBytes), OccupancyCell(k.Occupancy, budgets), Occupancy.Describe(k.Occupancy.Limit),
                Seconds(program.Unit.Elapsed));
        foreach (var f in program.Functions)
            table.AddRow($"{Markup.Escape(f.Name)} [dim](function)[/]", "", "", Spills(f.SpillStoreBytes, f.SpillLoadBytes, budgets), "", "", "", "",
                Seconds(program.Unit.Elapsed));
        AnsiConsole.Write(table);
        // Plain lines, never wrapped, so each violation greps as one.
        foreach (var violation in violations) Console.WriteLine($"over budget: {violation.Message}");
        Console.WriteLine(Summary(target, program));
    }

    public override void DidNotCompile(KernelsTarget target, ComputeCapability device, NvrtcCompileException error)
    {
        Console.WriteLine(error.Message);
        Console.WriteLine($"{target.Name} {device.RealArchitecture}: does not compile");
    }

    /// <summary>"0", or stores + loads, red when over budget.</summary>
    static string Spills(int stores, int loads, KernelBudgets budgets)
    {
        string text = stores + loads == 0 ? "0" : $"{stores:N0} + {loads:N0}";
        return stores + loads > budgets.MaxSpillBytes ? $"[red]{text}[/]" : text;
    }

    static string Bytes(int bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture);

    static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.0} s");

    static string OccupancyCell(Occupancy o, KernelBudgets budgets)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"{o.Fraction * 100:0.#} %");
        return o.Fraction < budgets.MinimumOccupancy ? $"[red]{text}[/]" : text;
    }
}
