namespace NetDsl.Runtime;

/// <summary>
/// A network's generated GPU program: CUDA C source (compiled with NVRTC on a GPU, or with g++ and the emulation
/// header in CI) and the launches of one forward and one backward pass, in order.
/// </summary>
public sealed record CudaProgram(string Source, IReadOnlyList<CudaLaunch> Forward, IReadOnlyList<CudaLaunch> Backward)
{
    /// <summary>Floats of <c>NetDslArgs.scratch</c> the launches need per sample of capacity (per-tile partials and the like).</summary>
    public long ScratchPerSample { get; init; }

    /// <summary>Floats of scratch the launches need whatever the batch.</summary>
    public long ScratchFixed { get; init; }

    public long ScratchFloats(int capacity) => ScratchPerSample * capacity + ScratchFixed;

    /// <summary>The headers the source includes, shipped in src/NetDsl.Runtime/Cuda/Kernels.</summary>
    public static readonly IReadOnlyList<string> Headers = ["netdsl_abi.cuh", "netdsl_kernels.cuh", "netdsl_fused.cuh", "netdsl_tensorcore.cuh"];
}

/// <summary>
/// One kernel launch over PerSample · n + Fixed items (an upper bound for kernels with two loops). A grid-stride kernel
/// (<see cref="ItemsPerBlock"/> 0) is correct with any grid, so the backend sizes it; a tiled kernel indexes its blocks
/// and needs exactly ⌈work / ItemsPerBlock⌉ of them, of <see cref="Block"/> threads and <see cref="SharedBytes"/> bytes
/// of dynamic shared memory.
/// </summary>
public sealed record CudaLaunch(string Kernel, long PerSample, long Fixed, int Block = 0, long ItemsPerBlock = 0, int SharedBytes = 0)
{
    /// <summary>What this launch passes in <c>NetDslArgs.values</c>: the buffer offsets (and sizes) of the layer it runs.</summary>
    public IReadOnlyList<long> Values { get; init; } = [];

    /// <summary>The layer direction this launch runs, e.g. "layer1_0_conv1_forward"; the kernel may serve several.</summary>
    public string Layer { get => field ?? Kernel; init; }

    /// <summary>Runs only in training: an auxiliary head's branch, which evaluation and prediction skip.</summary>
    public bool TrainingOnly { get; init; }

    /// <summary>The block a backend launches grid-stride kernels with, and the optimizer kernels, which are not in the lists.</summary>
    public const int GridStrideThreads = 256;

    public long Work(int n) => PerSample * n + Fixed;

    public bool Tiled => ItemsPerBlock > 0;

    /// <summary>Grid and block for a batch of n samples; grid-stride kernels take <paramref name="gridStride"/>'s shape.</summary>
    public (uint Grid, uint Block) Shape(int n, Func<long, (uint Grid, uint Block)> gridStride) =>
        Tiled ? ((uint)((Work(n) + ItemsPerBlock - 1) / ItemsPerBlock), (uint)Block) : gridStride(Work(n));
}

/// <summary>Implemented by the generator for every network: its GPU program and the device arena it runs in.</summary>
public interface IGpuNetwork
{
    CudaProgram GpuProgram { get; }

    ArenaLayout GpuArena { get; }

    /// <summary>Where the network's [Network] attribute is written, so build-time kernel errors can point there.</summary>
    SourceLocation Declaration { get; }
}
