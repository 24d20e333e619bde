namespace NetDsl.Runtime.Cuda;

/// <summary>What bounds the blocks an SM runs at once; of equal bounds the first is named (a full SM is bound by warps).</summary>
public enum OccupancyLimit { Warps, Registers, SharedMemory, Blocks }

/// <summary>
/// Theoretical occupancy: the warps of a kernel resident on one SM, over the most it can hold. Follows NVIDIA's
/// occupancy calculator (cuda_occupancy.h, cudaOccMaxActiveBlocksPerMultiprocessor) with partitioned global caching
/// off, as on every GPU since Volta:
/// <list type="bullet">
/// <item>warps: ⌊max warps / warps per block⌋ blocks;</item>
/// <item>blocks: the SM's resident-block limit;</item>
/// <item>registers: a warp gets registers per thread × 32 rounded up to 256; each of the 4 sub-partitions holds
/// ⌊16 K / that⌋ warps, so ⌊4 × that / warps per block⌋ blocks. None when a thread needs more than 255, or a block more
/// than 64 K (its warps rounded up to a multiple of 4, as the hardware checks it);</item>
/// <item>shared memory: static + dynamic + the 1 KB reserved per block, rounded up to 128 bytes; ⌊SM capacity / that⌋
/// blocks, none above the per-block maximum.</item>
/// </list>
/// </summary>
public readonly record struct Occupancy(int BlocksPerMultiprocessor, int WarpsPerBlock, int MaxWarps, OccupancyLimit Limit)
{
    public int ActiveWarps => BlocksPerMultiprocessor * WarpsPerBlock;

    /// <summary>Active warps over the SM's maximum, from 0 to 1.</summary>
    public double Fraction => (double)ActiveWarps / MaxWarps;

    /// <param name="sharedBytesPerBlock">Static plus dynamic shared memory of one block.</param>
    public static Occupancy Theoretical(ComputeCapability device, int threadsPerBlock, int registersPerThread, int sharedBytesPerBlock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerBlock, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(registersPerThread);
        ArgumentOutOfRangeException.ThrowIfNegative(sharedBytesPerBlock);
        var sm = MultiprocessorLimits.For(device);
        int warpsPerBlock = (threadsPerBlock + MultiprocessorLimits.WarpSize - 1) / MultiprocessorLimits.WarpSize;

        int byWarps = threadsPerBlock > MultiprocessorLimits.MaxThreadsPerBlock ? 0 : sm.MaxWarps / warpsPerBlock;
        (int Blocks, OccupancyLimit Limit)[] bounds =
        [
            (byWarps, OccupancyLimit.Warps),
            (ByRegisters(registersPerThread, warpsPerBlock), OccupancyLimit.Registers),
            (BySharedMemory(sm, sharedBytesPerBlock), OccupancyLimit.SharedMemory),
            (sm.MaxBlocks, OccupancyLimit.Blocks),
        ];
        var tightest = bounds.MinBy(bound => bound.Blocks);
        return new Occupancy(tightest.Blocks, warpsPerBlock, sm.MaxWarps, tightest.Limit);
    }

    static int ByRegisters(int registersPerThread, int warpsPerBlock)
    {
        if (registersPerThread == 0) return int.MaxValue;
        int perWarp = RoundUp(registersPerThread * MultiprocessorLimits.WarpSize, MultiprocessorLimits.RegisterAllocationUnit);
        bool fits = registersPerThread <= MultiprocessorLimits.MaxRegistersPerThread
                    && perWarp * RoundUp(warpsPerBlock, MultiprocessorLimits.RegisterSubPartitions) <= MultiprocessorLimits.Registers;
        if (!fits) return 0;
        int warpsPerSubPartition = MultiprocessorLimits.Registers / MultiprocessorLimits.RegisterSubPartitions / perWarp;
        return warpsPerSubPartition * MultiprocessorLimits.RegisterSubPartitions / warpsPerBlock;
    }

    static int BySharedMemory(MultiprocessorLimits sm, int sharedBytesPerBlock)
    {
        if (sharedBytesPerBlock > sm.MaxSharedBytesPerBlock) return 0;
        int allocated = RoundUp(sharedBytesPerBlock + sm.ReservedSharedBytesPerBlock, MultiprocessorLimits.SharedAllocationUnit);
        return allocated == 0 ? int.MaxValue : sm.SharedBytes / allocated;
    }

    static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;

    /// <summary>"12.5 % (8 of 64 warps, limited by registers)".</summary>
    public override string ToString() => $"{Fraction * 100:0.#} % ({ActiveWarps} of {MaxWarps} warps, limited by {Describe(Limit)})";

    public static string Describe(OccupancyLimit limit) => limit switch
    {
        OccupancyLimit.Registers => "registers",
        OccupancyLimit.SharedMemory => "shared memory",
        OccupancyLimit.Warps => "warps",
        _ => "blocks per SM",
    };
}
