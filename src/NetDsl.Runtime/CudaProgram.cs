namespace NetDsl.Runtime;

/// <summary>
/// A network's generated GPU program: CUDA C source (compiled with NVRTC on a GPU, or with g++ and the emulation
/// header in CI) and the launches of one forward and one backward pass, in order. Each kernel is a grid-stride loop,
/// so any grid is correct; <see cref="CudaLaunch.Work"/> sizes it for a batch.
/// </summary>
public sealed record CudaProgram(string Source, IReadOnlyList<CudaLaunch> Forward, IReadOnlyList<CudaLaunch> Backward)
{
    /// <summary>The headers the source includes, shipped in src/NetDsl.Runtime/Cuda/Kernels.</summary>
    public static readonly IReadOnlyList<string> Headers = ["netdsl_abi.cuh", "netdsl_kernels.cuh"];
}

/// <summary>One kernel launch: its loop runs over PerSample · n + Fixed items (an upper bound for kernels with two loops).</summary>
public sealed record CudaLaunch(string Kernel, long PerSample, long Fixed)
{
    public long Work(int n) => PerSample * n + Fixed;
}

/// <summary>Implemented by the generator for every network: its GPU program.</summary>
public interface IGpuNetwork
{
    CudaProgram GpuProgram { get; }
}
