namespace NetDsl.Runtime.Cuda;

/// <summary>One CUDA C++ translation unit of a network, as <see cref="Nvrtc"/> compiles it.</summary>
/// <param name="Name">The source's name in NVRTC's diagnostics, e.g. "conv1_forward.cu".</param>
/// <param name="Headers">What each <c>#include "Name"</c> resolves to.</param>
/// <param name="Options">NVRTC options, without the architecture.</param>
/// <param name="NetworkName">Names the network in compile errors; not part of the cache key, so networks share identical kernels.</param>
public sealed record KernelSource(
    string Source,
    string Name,
    IReadOnlyList<(string Name, string Source)> Headers,
    IReadOnlyList<string> Options,
    string NetworkName);
