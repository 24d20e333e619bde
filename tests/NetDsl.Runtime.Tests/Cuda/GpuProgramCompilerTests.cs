using NetDsl.Networks;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

/// <summary>
/// The real NVRTC on LeNet-5 (about a second), no GPU. Needs NVRTC: CI runs scripts/get-nvrtc.sh first, and without it
/// these fail (CudaUnavailableException names the script) rather than skip.
/// </summary>
[Trait("Needs", "NVRTC")]
public class GpuProgramCompilerTests
{
    static readonly ComputeCapability Sm80 = new(8, 0);
    static readonly CudaProgram LeNet5 = ((IGpuNetwork)new LeNet5()).GpuProgram;
    static readonly Lazy<CompiledGpuProgram> Compiled = new(() => GpuProgramCompiler.Compile(LeNet5, "LeNet5", Sm80));

    [Fact]
    public void The_backend_and_the_compiler_share_one_source_with_its_options_and_headers()
    {
        var unit = GpuProgramCompiler.Source(LeNet5, "LeNet5");

        Assert.Equal(("LeNet5.cu", LeNet5.Source, "LeNet5"), (unit.Name, unit.Source, unit.NetworkName));
        Assert.Equal(GpuProgramCompiler.Options, unit.Options);
        Assert.Contains("--ptxas-options=-v", unit.Options);
        Assert.Equal(CudaProgram.Headers, unit.Headers.Select(h => h.Name));
        Assert.Equal([.. GpuProgramCompiler.Options, "--maxrregcount=64"], GpuProgramCompiler.Source(LeNet5, "LeNet5", ["--maxrregcount=64"]).Options);
    }

    [Fact]
    public void A_unit_carries_its_cubin_ptx_log_and_time()
    {
        var unit = Compiled.Value.Unit;

        Assert.Equal((KernelImageKind.Cubin, "sm_80"), (unit.Image.Kind, unit.Image.Target));
        Assert.Equal("\u007fELF"u8.ToArray(), unit.Image.Bytes[..4]);
        Assert.Contains(".target sm_80", unit.Ptx);
        Assert.Contains("ptxas info    : Compiling entry function 'network_forward' for 'sm_80'", unit.Log);
        Assert.True(unit.Elapsed > TimeSpan.Zero && Compiled.Value.WallTime >= unit.Elapsed);
    }

    [Fact]
    public void Every_kernel_has_its_launch_shape_and_ptxas_figures()
    {
        var program = Compiled.Value;
        var launches = LeNet5.Forward.Concat(LeNet5.Backward).ToArray();

        // Launch order, then the optimizer kernels the launch lists leave out.
        Assert.Equal([.. launches.Select(l => l.Kernel).Distinct(), "netdsl_adam_step", "netdsl_adamw_step", "netdsl_sgd_step"],
            program.Kernels.Select(k => k.Name));
        foreach (var k in program.Kernels)
        {
            var launch = launches.FirstOrDefault(l => l.Kernel == k.Name);
            int threads = launch is { Block: > 0 } ? launch.Block : CudaLaunch.GridStrideThreads;
            Assert.Equal((threads, launch?.SharedBytes ?? 0), (k.ThreadsPerBlock, k.DynamicSharedBytes));
            Assert.InRange(k.Registers, 8, 255);
            Assert.Equal(Occupancy.Theoretical(Sm80, threads, k.Registers, k.StaticSharedBytes + k.DynamicSharedBytes), k.Occupancy);
        }
        Assert.Equal(program.Kernels.Max(k => k.Registers), program.MaxRegisters);
        Assert.Equal(0, program.SpillBytes);
        Assert.Empty(KernelBudgets.For(Sm80).Check(program));
    }

    [Fact]
    public void A_source_nvrtc_rejects_names_the_network_and_carries_the_log()
    {
        var error = Assert.Throws<NvrtcCompileException>(() => GpuProgramCompiler.Compile(LeNet5, "LeNet5", Sm80, ["--define-macro=NetDslArgs=int"]));

        Assert.Equal(("LeNet5", "LeNet5.cu"), (error.NetworkName, error.SourceName));
        Assert.Contains("error", error.Log);
        Assert.Contains("--define-macro=NetDslArgs=int", error.Options);
    }
}
