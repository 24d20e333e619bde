namespace NetDsl.Runtime.Cuda;

/// <summary>Which budget a kernel or device function broke.</summary>
public enum KernelBudget { Spills, Occupancy }

/// <summary>One broken budget, with a one-line message naming the network, the function and the figures.</summary>
/// <param name="Function">The kernel or device function.</param>
public sealed record BudgetViolation(string Network, string Function, KernelBudget Budget, string Message)
{
    public override string ToString() => Message;
}

/// <summary>
/// What every kernel of a compiled program must meet, kept in one place so the CLI, the build and CI's NVRTC tests
/// hold kernels to the same numbers.
/// </summary>
/// <param name="MaxSpillBytes">Spill stores plus loads allowed per kernel or device function.</param>
/// <param name="MinimumOccupancy">Theoretical occupancy every kernel must reach (0 to 1); 0 checks nothing.</param>
public sealed record KernelBudgets(int MaxSpillBytes, double MinimumOccupancy)
{
    /// <summary>
    /// A spill goes to local memory (L1, then HBM) on every use inside the hottest loops: the kernels are written so
    /// their working set fits in registers, and a spill means a tile or an unroll is too large.
    /// </summary>
    public const int SpillBytesAllowed = 0;

    /// <summary>
    /// 16 of an H100/H200 SM's 64 warps. Below that an SM has too few warps to hide global-memory and tensor-core
    /// latency (each of its 4 schedulers would have at most 4 to pick from); it is the usual floor for GEMM-like
    /// kernels, which hide the rest with instruction-level parallelism. A starting point, to rise as the kernels improve.
    /// </summary>
    public const double Sm90OccupancyFloor = 0.25;

    static readonly ComputeCapability Hopper = new(9, 0);

    /// <summary>The budgets for <paramref name="device"/>: no spills anywhere; on sm_90 also <see cref="Sm90OccupancyFloor"/>.</summary>
    public static KernelBudgets For(ComputeCapability device) => new(SpillBytesAllowed, device == Hopper ? Sm90OccupancyFloor : 0);

    /// <summary>Every kernel and device function of <paramref name="program"/> over a budget, kernels first, in program order.</summary>
    public IReadOnlyList<BudgetViolation> Check(CompiledGpuProgram program)
    {
        string network = program.NetworkName, arch = program.Device.RealArchitecture;
        var violations = new List<BudgetViolation>();
        foreach (var k in program.Kernels)
        {
            if (k.SpillBytes > MaxSpillBytes)
                violations.Add(new(network, k.Name, KernelBudget.Spills,
                    $"{network}: kernel {k.Name} spills {k.SpillBytes} bytes on {arch} ({k.SpillStoreBytes} stored, {k.SpillLoadBytes} loaded; " +
                    $"{k.Registers} registers, {k.StackFrameBytes}-byte stack frame); {AllowedSpills}"));
            if (k.Occupancy.Fraction < MinimumOccupancy)
                violations.Add(new(network, k.Name, KernelBudget.Occupancy,
                    $"{network}: kernel {k.Name} reaches a theoretical occupancy of {k.Occupancy} on {arch} with {k.ThreadsPerBlock} threads, {k.Registers} registers " +
                    $"and {k.StaticSharedBytes + k.DynamicSharedBytes} bytes of shared memory per block; the floor is {MinimumOccupancy * 100:0.#} % " +
                    $"({(int)Math.Ceiling(MinimumOccupancy * k.Occupancy.MaxWarps)} warps)"));
        }
        foreach (var f in program.Functions.Where(f => f.SpillBytes > MaxSpillBytes))
            violations.Add(new(network, f.Name, KernelBudget.Spills,
                $"{network}: device function {f.Name} spills {f.SpillBytes} bytes on {arch} ({f.SpillStoreBytes} stored, {f.SpillLoadBytes} loaded; " +
                $"{f.StackFrameBytes}-byte stack frame); {AllowedSpills}"));
        return violations;
    }

    string AllowedSpills => MaxSpillBytes == 0 ? "kernels must not spill" : $"at most {MaxSpillBytes} bytes may spill";
}
