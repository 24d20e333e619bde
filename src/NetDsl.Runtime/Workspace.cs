using System.Numerics;

namespace NetDsl.Runtime;

/// <summary>
/// Every buffer one forward/backward pass touches, allocated once: activations and their gradients
/// (laid out by <see cref="WorkspaceLayout"/>), per-worker parameter gradients and scratch, labels and losses.
/// </summary>
public sealed class Workspace<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly WorkerTeam? _team;
    private readonly Action<int>? _runSlice;   // cached: a training step allocates nothing
    private Action<int, int, int>? _body;
    private int _count;

    public Workspace(WorkspaceLayout layout, int parameterCount, int capacity, int workers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        Layout = layout;
        Capacity = capacity;
        Workers = workers;
        Activations = new T[(long)layout.ActivationsPerSample * capacity];
        Gradients = new T[Activations.Length];
        ParameterGradients = Enumerable.Range(0, workers).Select(_ => new T[parameterCount]).ToArray();
        Scratch = Enumerable.Range(0, workers).Select(_ => new T[layout.ScratchPerWorker]).ToArray();
        Labels = new int[(long)layout.Targets.LabelsPerSample * capacity];
        Targets = new T[(long)layout.Targets.ValuesPerSample * capacity];
        Losses = new T[capacity];
        HeadLosses = new T[capacity];
        Reductions = new T[(long)layout.ReductionPerWorker * workers];
        if (workers > 1)
        {
            _team = new WorkerTeam(workers);
            _runSlice = w => _body!(w, (int)((long)_count * w / Workers), (int)((long)_count * (w + 1) / Workers));
        }
    }

    public WorkspaceLayout Layout { get; }
    public int Capacity { get; }
    public int Workers { get; }
    public T[] Activations { get; }
    public T[] Gradients { get; }
    public T[][] ParameterGradients { get; }
    public T[][] Scratch { get; }
    /// <summary>Class labels (<see cref="TargetSpec.LabelsPerSample"/> per sample: one, or an H·W map); empty for value targets.</summary>
    public int[] Labels { get; }
    /// <summary>Float targets (<see cref="TargetSpec.ValuesPerSample"/> per sample); empty for class targets.</summary>
    public T[] Targets { get; }
    /// <summary>
    /// Per-worker space for batch-wide reductions (BatchNorm's partial statistics): worker w owns
    /// [w * ReductionPerWorker, (w + 1) * ReductionPerWorker) and reads everyone's after <see cref="Synchronize"/>.
    /// </summary>
    public T[] Reductions { get; }
    /// <summary>
    /// Per-sample loss, written by the loss heads in Forward: the sum over the sample's outputs (or labeled pixels); the
    /// batch's loss is their total over the batch's outputs (or labeled pixels). In training it includes the weighted
    /// auxiliary heads.
    /// </summary>
    public T[] Losses { get; }
    /// <summary>Where an auxiliary head writes its per-sample loss before it is weighted into <see cref="Losses"/>.</summary>
    public T[] HeadLosses { get; }

    /// <summary>Samples in the current batch; the loss is their mean, so gradients scale by 1/BatchSize.</summary>
    public int BatchSize { get; set; }
    /// <summary>Training mode enables dropout; evaluation passes inputs through.</summary>
    public bool Training { get; set; }
    /// <summary>Whether Forward evaluates the loss head (needs <see cref="Labels"/>).</summary>
    public bool HasLabels { get; set; }
    /// <summary>Seed of this step's dropout masks; masks depend on (seed, sample index) only, not on worker split.</summary>
    public ulong StepSeed { get; set; }

    /// <summary>The activations of slot <paramref name="offset"/> (per-sample offset) for samples [n0, n1).</summary>
    public Span<T> Slot(int offset, int size, int n0, int n1) =>
        Activations.AsSpan(offset * Capacity + n0 * size, (n1 - n0) * size);

    /// <summary>The gradient buffer matching <see cref="Slot"/>.</summary>
    public Span<T> GradSlot(int offset, int size, int n0, int n1) =>
        Gradients.AsSpan(offset * Capacity + n0 * size, (n1 - n0) * size);

    public Span<T> ScratchOf(int worker) => Scratch[worker];
    public Span<T> ReductionOf(int worker) => Reductions.AsSpan(worker * Layout.ReductionPerWorker, Layout.ReductionPerWorker);
    public Span<T> ParameterGradientsOf(int worker) => ParameterGradients[worker];
    public Span<int> LabelsOf(int n0, int n1) => Labels.AsSpan(n0 * Layout.Targets.LabelsPerSample, (n1 - n0) * Layout.Targets.LabelsPerSample);
    public Span<T> TargetsOf(int n0, int n1) => Targets.AsSpan(n0 * Layout.Targets.ValuesPerSample, (n1 - n0) * Layout.Targets.ValuesPerSample);
    public Span<T> LossesOf(int n0, int n1) => Losses.AsSpan(n0, n1 - n0);
    public Span<T> HeadLossesOf(int n0, int n1) => HeadLosses.AsSpan(n0, n1 - n0);

    public Span<T> Input(int n0, int n1) => Slot(Layout.InputOffset, Layout.InputSize, n0, n1);
    public Span<T> Logits(int n0, int n1) => Slot(Layout.LogitsOffset, Layout.OutputSize, n0, n1);

    /// <summary>
    /// Runs <paramref name="body"/>(worker, n0, n1) for every worker at once, splitting samples [0, count) into even
    /// contiguous ranges (some may be empty). Every worker runs, so generated code may <see cref="Synchronize"/>.
    /// </summary>
    public void Run(int count, Action<int, int, int> body)
    {
        if (_team is null)
        {
            body(0, 0, count);
            return;
        }
        (_body, _count) = (body, count);
        try
        {
            _team.Run(_runSlice!);
        }
        finally
        {
            _body = null;
        }
    }

    /// <summary>Called by generated code between a reduction's partial and merged halves; a no-op with one worker.</summary>
    public void Synchronize() => _team?.Synchronize();

    public void Dispose() => _team?.Dispose();

    /// <summary>Sums every worker's parameter gradients into worker 0's buffer and returns it.</summary>
    public T[] ReduceParameterGradients()
    {
        var total = ParameterGradients[0];
        for (int w = 1; w < Workers; w++)
            System.Numerics.Tensors.TensorPrimitives.Add<T>(total, ParameterGradients[w], total);
        return total;
    }

    public void ClearParameterGradients()
    {
        foreach (var g in ParameterGradients) Array.Clear(g);
    }
}
