namespace NetDsl.Runtime.Cuda;

/// <summary>
/// What one streaming multiprocessor holds at once, per compute capability (CUDA C++ Programming Guide, "Technical
/// Specifications per Compute Capability"; allocation units from NVIDIA's occupancy calculator, cuda_occupancy.h).
/// </summary>
/// <param name="MaxThreads">Resident threads per SM (64 warps on 8.0 and 9.0, 48 on 8.6 and 8.9).</param>
/// <param name="MaxBlocks">Resident blocks per SM.</param>
/// <param name="SharedBytes">Shared memory per SM at the largest carveout.</param>
/// <param name="MaxSharedBytesPerBlock">The most one block may use (static + dynamic, after opting in above 48 KB).</param>
/// <param name="ReservedSharedBytesPerBlock">System shared memory the driver reserves for each block (1 KB since 8.0).</param>
public sealed record MultiprocessorLimits(
    int MaxThreads, int MaxBlocks, int SharedBytes, int MaxSharedBytesPerBlock, int ReservedSharedBytesPerBlock)
{
    public const int WarpSize = 32;
    public const int MaxThreadsPerBlock = 1024;

    /// <summary>The register file: 64 K 32-bit registers per SM (and per block), split evenly over 4 sub-partitions.</summary>
    public const int Registers = 64 * 1024;
    public const int RegisterSubPartitions = 4;

    /// <summary>Registers are given to warps in units of 256 (8 per thread).</summary>
    public const int RegisterAllocationUnit = 256;
    public const int MaxRegistersPerThread = 255;

    /// <summary>Shared memory is given to blocks in units of 128 bytes.</summary>
    public const int SharedAllocationUnit = 128;

    public int MaxWarps => MaxThreads / WarpSize;

    /// <summary>The limits of <paramref name="device"/>; the architectures NetDsl's kernels target (Ampere, Ada, Hopper).</summary>
    public static MultiprocessorLimits For(ComputeCapability device) => device.Number switch
    {
        80 => new(2048, 32, 164 * 1024, 163 * 1024, 1024),
        86 => new(1536, 16, 100 * 1024, 99 * 1024, 1024),
        89 => new(1536, 24, 100 * 1024, 99 * 1024, 1024),
        90 => new(2048, 32, 228 * 1024, 227 * 1024, 1024),
        _ => throw new ArgumentException(
            $"No occupancy limits for compute capability {device} ({device.RealArchitecture}); known: sm_80, sm_86, sm_89, sm_90.", nameof(device)),
    };
}
