using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

public class KernelBudgetsTests
{
    static readonly ComputeCapability Sm80 = new(8, 0), Sm90 = new(9, 0);

    static KernelStatistics Kernel(string name, ComputeCapability device, int threads = 256, int registers = 32, int stores = 0, int loads = 0, int shared = 0) =>
        new(name, registers, stores == 0 ? 0 : 40, stores, loads, 0, shared, threads, Occupancy.Theoretical(device, threads, registers, shared));

    static CompiledGpuProgram Program(ComputeCapability device, KernelStatistics[] kernels, params DeviceFunctionStatistics[] functions) =>
        new("TinyNet", device, Unit, kernels, functions, TimeSpan.FromSeconds(1));

    // The budgets read only the statistics; the unit they came from plays no part.
    static readonly CompiledGpuUnit Unit = new(new KernelSource("", "TinyNet.cu", [], [], "TinyNet"),
        new KernelImage(KernelImageKind.Cubin, "sm_80", []), "", TimeSpan.Zero);

    [Fact]
    public void Sm90_has_an_occupancy_floor_of_16_warps_and_sm80_none()
    {
        Assert.Equal(new KernelBudgets(0, 0.25), KernelBudgets.For(Sm90));
        Assert.Equal(new KernelBudgets(0, 0), KernelBudgets.For(Sm80));
    }

    [Fact]
    public void A_clean_program_breaks_nothing() =>
        Assert.Empty(KernelBudgets.For(Sm90).Check(Program(Sm90, [Kernel("conv1_forward", Sm90), Kernel("netdsl_sgd_step", Sm90)])));

    [Fact]
    public void A_spill_in_a_kernel_is_named_with_its_figures()
    {
        var violation = Assert.Single(KernelBudgets.For(Sm80).Check(Program(Sm80, [Kernel("conv1_backward", Sm80, stores: 40, loads: 44)])));

        Assert.Equal(("TinyNet", "conv1_backward", KernelBudget.Spills), (violation.Network, violation.Function, violation.Budget));
        Assert.Equal("TinyNet: kernel conv1_backward spills 84 bytes on sm_80 (40 stored, 44 loaded; 32 registers, 40-byte stack frame); kernels must not spill",
            violation.Message);
    }

    [Fact]
    public void A_spill_in_a_device_function_counts_too()
    {
        var violation = Assert.Single(KernelBudgets.For(Sm80).Check(
            Program(Sm80, [Kernel("conv1_forward", Sm80)], new DeviceFunctionStatistics("_Z6gatherPKfi", 0, 2272, 2296))));

        Assert.Equal(("_Z6gatherPKfi", KernelBudget.Spills), (violation.Function, violation.Budget));
        Assert.StartsWith("TinyNet: device function _Z6gatherPKfi spills 4568 bytes on sm_80", violation.Message);
    }

    [Fact]
    public void Low_occupancy_breaks_the_floor_on_sm90_only()
    {
        var tensorCore = Kernel("conv2_forward", Sm90, threads: 128, registers: 255, shared: 36_864);

        var violation = Assert.Single(KernelBudgets.For(Sm90).Check(Program(Sm90, [tensorCore])));
        Assert.Equal(KernelBudget.Occupancy, violation.Budget);
        Assert.Equal("TinyNet: kernel conv2_forward reaches a theoretical occupancy of 12.5 % (8 of 64 warps, limited by registers) on sm_90 " +
                     "with 128 threads, 255 registers and 36864 bytes of shared memory per block; the floor is 25 % (16 warps)", violation.Message);
        Assert.Empty(KernelBudgets.For(Sm80).Check(Program(Sm80, [Kernel("conv2_forward", Sm80, threads: 128, registers: 255, shared: 36_864)])));
    }

    [Fact]
    public void Exactly_the_floor_passes()
    {
        // 128 registers: 4096 a warp, 4 per sub-partition, 16 warps = 25 %.
        var kernel = Kernel("fc1_forward", Sm90, registers: 128);

        Assert.Equal(0.25, kernel.Occupancy.Fraction);
        Assert.Empty(KernelBudgets.For(Sm90).Check(Program(Sm90, [kernel])));
    }

    [Fact]
    public void Every_broken_budget_is_listed_kernels_first()
    {
        var budgets = KernelBudgets.For(Sm90) with { MinimumOccupancy = 1 };
        var violations = budgets.Check(Program(Sm90,
            [Kernel("a_forward", Sm90, registers: 40, stores: 4, loads: 4), Kernel("b_forward", Sm90)],
            new DeviceFunctionStatistics("helper", 0, 8, 8)));

        Assert.Equal([("a_forward", KernelBudget.Spills), ("a_forward", KernelBudget.Occupancy), ("helper", KernelBudget.Spills)],
            violations.Select(v => (v.Function, v.Budget)));
    }
}
