namespace NetDsl.Runtime.Cuda;

/// <summary>
/// One kernel of a compiled program: ptxas' figures, how the program launches it, and the theoretical occupancy those
/// give on the architecture it was compiled for.
/// </summary>
/// <param name="ThreadsPerBlock">The launch's block, or <see cref="CudaLaunch.GridStrideThreads"/> for grid-stride kernels
/// (those the program leaves to the backend's shape, and the optimizer kernels, which are not in its launch lists).</param>
/// <param name="DynamicSharedBytes">The launch's <see cref="CudaLaunch.SharedBytes"/> (the largest, if launched more than once).</param>
public sealed record KernelStatistics(
    string Name, int Registers, int StackFrameBytes, int SpillStoreBytes, int SpillLoadBytes,
    int StaticSharedBytes, int DynamicSharedBytes, int ThreadsPerBlock, Occupancy Occupancy)
{
    public int SpillBytes => SpillStoreBytes + SpillLoadBytes;
}

/// <summary>
/// A device function ptxas compiled on its own (not inlined, e.g. <c>__noinline__</c>): its spills count against the
/// program as a kernel's do.
/// </summary>
public sealed record DeviceFunctionStatistics(string Name, int StackFrameBytes, int SpillStoreBytes, int SpillLoadBytes)
{
    public int SpillBytes => SpillStoreBytes + SpillLoadBytes;
}
