using System.Globalization;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Cli.Kernels;

/// <summary>How <c>netdsl kernels</c> reports each network: a table for people, canonical error lines for MSBuild.</summary>
internal abstract class KernelsReport
{
    public abstract void Compiled(KernelsTarget target, CompiledGpuProgram program, KernelBudgets budgets, IReadOnlyList<BudgetViolation> violations);

    public abstract void DidNotCompile(KernelsTarget target, ComputeCapability device, NvrtcCompileException error);

    public void Note(string message) => Console.WriteLine(message);

    /// <summary>The line each network's report ends with.</summary>
    public static string Summary(KernelsTarget target, CompiledGpuProgram program) => string.Create(CultureInfo.InvariantCulture,
        $"{target.Name} {program.Device.RealArchitecture}: {program.Kernels.Count} kernels, max registers {program.MaxRegisters}, " +
        $"spill bytes {program.SpillBytes}, compile {program.WallTime.TotalSeconds:0.0} s");
}
