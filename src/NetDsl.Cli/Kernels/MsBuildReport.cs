using System.Text.RegularExpressions;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Cli.Kernels;

/// <summary>
/// Canonical MSBuild lines (<c>origin: error ID: text</c>), which the Exec task turns into build errors: each network's
/// at its [Network] declaration, NVRTC's errors one per line with where in the generated source they are.
/// </summary>
internal sealed partial class MsBuildReport : KernelsReport
{
    /// <summary>One broken macro fails every kernel; the first errors say what the rest would.</summary>
    const int MaxErrorsPerNetwork = 10;

    public override void Compiled(KernelsTarget target, CompiledGpuProgram program, KernelBudgets budgets, IReadOnlyList<BudgetViolation> violations)
    {
        foreach (var violation in violations) Error(target.Declaration.ToString(), KernelDiagnostics.For(violation.Budget), violation.Message);
        Console.WriteLine(Summary(target, program));
    }

    public override void DidNotCompile(KernelsTarget target, ComputeCapability device, NvrtcCompileException error)
    {
        string prefix = $"{target.NetworkName}'s GPU program does not compile for {device.RealArchitecture}";
        var lines = error.Log.Split('\n').Select(line => line.TrimEnd()).ToArray();
        var errors = lines.Select(line => NvrtcError().Match(line)).Where(m => m.Success)
            .Select(m => $"{prefix}: {m.Groups["text"].Value} ({m.Groups["file"].Value} line {m.Groups["line"].Value})")
            .Concat(lines.Select(line => PtxasError().Match(line)).Where(m => m.Success).Select(m => $"{prefix}: ptxas: {m.Groups["text"].Value}"))
            .ToArray();
        if (errors.Length == 0) errors = [$"{prefix}: {lines.FirstOrDefault(l => l.Length > 0) ?? "NVRTC left no log"}"];
        if (errors.Length > MaxErrorsPerNetwork)
            errors = [.. errors.Take(MaxErrorsPerNetwork), $"{prefix}: {errors.Length - MaxErrorsPerNetwork} more errors; `netdsl kernels --out DIR` writes NVRTC's whole log"];
        // NVRTC's own lines are not repeated: they would read as errors in files that exist only in memory.
        foreach (string message in errors) Error(target.Declaration.ToString(), KernelDiagnostics.DoesNotCompile, message);
    }

    /// <summary>A failure no network is to blame for (no NVRTC, an assembly that does not load).</summary>
    public void Failed(string id, string message) => Error("netdsl", id, message);

    static void Error(string origin, string id, string message) => Console.WriteLine($"{origin}: error {id}: {OneLine(message)}");

    static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>NVRTC's error lines: <c>LeNet5.cu(12): error: identifier "x" is undefined</c>.</summary>
    [GeneratedRegex(@"^(?<file>[^\s(][^(]*)\((?<line>\d+)\): (?:catastrophic )?error: (?<text>.*)$")]
    private static partial Regex NvrtcError();

    [GeneratedRegex(@"^ptxas (?:error|fatal)\s*: (?<text>.*)$")]
    private static partial Regex PtxasError();
}
