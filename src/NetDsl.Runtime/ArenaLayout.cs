namespace NetDsl.Runtime;

/// <summary>The regions of a network's GPU arena, one per device buffer of a training run.</summary>
public enum ArenaRegion
{
    Parameters,
    ParameterGradients,
    /// <summary>SGD's momentum buffer, or Adam's exp_avg then exp_avg_sq: room for two trainable prefixes.</summary>
    OptimizerState,
    /// <summary>The per-step values (<c>NetDslStep</c>).</summary>
    Step,
    Reductions,
    /// <summary>Class labels: one per sample, or an H×W map per sample.</summary>
    Labels,
    /// <summary>Float targets shaped like the output (regression and multi-label heads); empty otherwise.</summary>
    Targets,
    Losses,
    /// <summary>Per sample: an auxiliary head's loss before it is weighted into the total, then a label map's labeled pixels.</summary>
    HeadLosses,
    Activations,
    Gradients,
    Scratch,
}

/// <summary>A region's size in 4-byte words: <see cref="PerSample"/> per sample of capacity plus <see cref="Fixed"/>.</summary>
public sealed record ArenaSlice(ArenaRegion Region, long PerSample, long Fixed)
{
    public long Words(int capacity) => PerSample * capacity + Fixed;
}

/// <summary>
/// Every device buffer of a training run carved from one allocation, in the order of the generator's table, each region
/// at a <see cref="Alignment"/>-byte boundary. One allocation means one address per run, which a captured CUDA graph
/// needs, and one call to free. Sizes are the generator's compile-time coefficients, so only the capacity is chosen here.
/// </summary>
public sealed class ArenaLayout
{
    /// <summary>cuMemAlloc's own alignment: every region can be read with the widest vector loads.</summary>
    public const int Alignment = 256;

    public ArenaLayout(IReadOnlyList<ArenaSlice> slices)
    {
        var missing = Enum.GetValues<ArenaRegion>().Where(r => slices.Count(s => s.Region == r) != 1).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"An arena needs every region exactly once; {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} not.", nameof(slices));
        if (slices.FirstOrDefault(s => s.PerSample < 0 || s.Fixed < 0) is { } negative)
            throw new ArgumentException($"Arena region {negative.Region} has a negative size.", nameof(slices));
        Slices = slices;
    }

    public IReadOnlyList<ArenaSlice> Slices { get; }

    /// <summary>
    /// A training run's arena, from the sizes a network's layout and CUDA program give: small fixed regions first, the
    /// batch-sized ones after. Sizes in 4-byte words.
    /// </summary>
    public static ArenaLayout ForTraining(int parameters, int trainable, int reductionsPerWorker, int activationsPerSample,
        long scratchPerSample, long scratchFixed, TargetSpec? targets = null) => new(new ArenaSlice[]
    {
        new(ArenaRegion.Parameters, 0, parameters),
        new(ArenaRegion.ParameterGradients, 0, parameters),
        new(ArenaRegion.OptimizerState, 0, 2L * trainable),   // SGD's momentum, or Adam's exp_avg and exp_avg_sq
        new(ArenaRegion.Step, 0, System.Runtime.CompilerServices.Unsafe.SizeOf<Cuda.NetDslStep>() / 4),
        new(ArenaRegion.Reductions, 0, reductionsPerWorker),
        new(ArenaRegion.Labels, targets?.LabelsPerSample ?? 1, 0),
        new(ArenaRegion.Targets, targets?.ValuesPerSample ?? 0, 0),
        new(ArenaRegion.Losses, 1, 0),
        new(ArenaRegion.HeadLosses, 2, 0),   // an auxiliary head's losses, then a label map's labeled-pixel counts
        new(ArenaRegion.Activations, activationsPerSample, 0),
        new(ArenaRegion.Gradients, activationsPerSample, 0),
        new(ArenaRegion.Scratch, scratchPerSample, scratchFixed),
    });

    /// <summary>Byte offsets of every region (indexed by <see cref="ArenaRegion"/>) and the arena's total size.</summary>
    public (long[] Offsets, long Bytes) Carve(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var offsets = new long[Slices.Count];
        long end = 0;
        foreach (var slice in Slices)
        {
            long offset = Align(end);
            offsets[(int)slice.Region] = offset;
            end = offset + 4 * slice.Words(capacity);
        }
        return (offsets, Align(end));
    }

    private static long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;
}
