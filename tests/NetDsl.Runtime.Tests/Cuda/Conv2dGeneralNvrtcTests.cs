using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Tests.CudaEmulation;
using NetDsl.Runtime.Tests.Kernels;

namespace NetDsl.Runtime.Tests.Cuda;

/// <summary>
/// The general convolution's templates, which no generated program uses yet, compile with the real NVRTC (no GPU
/// needed) with the options every program gets, on the geometries the emulation runs, into a CUBIN with no kernel
/// spilling. As RealNvrtcTests: CI fetches
/// NVRTC first (scripts/get-nvrtc.sh), and without it this fails rather than skips.
/// </summary>
[Trait("Needs", "NVRTC")]
public sealed class Conv2dGeneralNvrtcTests
{
    [Theory]
    [InlineData(8, 0)]
    [InlineData(9, 0)]
    public void Compiles(int major, int minor)
    {
        var image = Nvrtc.Compile(Conv2dGeneralCudaTests.Program, "conv2d_general.cu", GpuProgramCompiler.Headers, GpuProgramCompiler.Options,
            nameof(Conv2dGeneralNvrtcTests), new ComputeCapability(major, minor));
        Assert.Equal(KernelImageKind.Cubin, image.Kind);
        var kernels = PtxasReport.Parse(image.CompileLog).Where(f => f.IsKernel).ToList();
        // The library's own kernels (the optimizer steps) come along; ours are the four directions of each geometry.
        var ours = kernels.Select(k => k.Name).Where(name => name.StartsWith("forward_") || name.StartsWith("input_") || name.StartsWith("weights_"));
        Assert.Equal(4 * Conv2dGeneralTests.Geometries.Count, ours.Count());
        Assert.All(kernels, k => Assert.True(k.SpillBytes == 0, $"{k.Name} spills {k.SpillBytes} bytes"));
    }
}
