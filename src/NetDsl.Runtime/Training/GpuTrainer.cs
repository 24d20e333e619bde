using System.Runtime.InteropServices;
using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Training;

/// <summary>
/// Trains a network with its generated GPU program, in the network's one-allocation arena (<see cref="ArenaLayout"/>).
/// A step copies its batch and step values from pinned memory, clears the parameter gradients, runs forward, backward
/// and the optimizer kernel, and copies losses and logits back, all enqueued without waiting; a full batch replays
/// a CUDA graph captured on first use. Two pinned slots alternate: while the GPU runs step i, another thread fills
/// step i + 1's slot, and step i − 1's losses are read, so progress lags a step. Shuffles, dropout seeds and schedule
/// are the CPU <see cref="Trainer"/>'s, so the two compare and a checkpoint of one resumes on the other.
/// </summary>
public sealed class GpuTrainer : ITrainer, IDisposable
{
    private readonly CudaProgram _program;
    private readonly IKernelBackend _backend;
    private readonly GpuOptimizer _optimizer;
    private readonly IKernelBuffer _arena;
    private readonly long[] _offsets;
    private readonly Slot[] _slots;
    private readonly SampleScore[] _scores;
    private readonly EpochLoop _loop = new();
    private NetDslArgs _args;
    private long _optimizerSteps;

    /// <param name="parameters">Initial parameters (trainable tensors, then running statistics), copied to the device.</param>
    /// <param name="optimizer">Sgd (plain momentum) or Adam/AdamW: its kind and hyperparameters; its state lives on the device.</param>
    /// <param name="batchSize">Samples per mini-batch, and the arena's capacity (evaluation uses it too).</param>
    public GpuTrainer(ICpuNetwork network, IKernelBackend backend, ReadOnlySpan<float> parameters, IOptimizer optimizer, int batchSize,
        ulong seed = 0, ILearningRateSchedule? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var description = network.Description;
        if (network is not IGpuNetwork gpu) throw new ArgumentException($"{description.Name} has no generated GPU program.", nameof(network));
        if (parameters.Length != description.ParameterCount)
            throw new ArgumentException($"{description.Name} has {description.ParameterCount} parameters, the buffer holds {parameters.Length}.", nameof(parameters));
        (Network, Optimizer, Schedule, Seed, BatchSize) = (network, optimizer, schedule, seed, batchSize);
        (_program, _backend, _optimizer) = (gpu.GpuProgram, backend, GpuOptimizer.For(optimizer));

        (_offsets, long bytes) = gpu.GpuArena.Carve(batchSize);
        _arena = backend.Allocate(bytes);
        WriteParameters(parameters);
        _args = new NetDslArgs
        {
            Activations = At(ArenaRegion.Activations), Gradients = At(ArenaRegion.Gradients), Parameters = At(ArenaRegion.Parameters),
            ParameterGradients = At(ArenaRegion.ParameterGradients), Scratch = At(ArenaRegion.Scratch), Reductions = At(ArenaRegion.Reductions),
            Labels = At(ArenaRegion.Labels), Targets = At(ArenaRegion.Targets), Losses = At(ArenaRegion.Losses), HeadLosses = At(ArenaRegion.HeadLosses), Step = At(ArenaRegion.Step),
            OptimizerState = At(ArenaRegion.OptimizerState), Capacity = batchSize, TrainableCount = description.TrainableParameterCount,
        };
        _optimizer.SetArguments(ref _args);
        _slots = [new Slot(backend, network.Layout, batchSize), new Slot(backend, network.Layout, batchSize)];
        _scores = new SampleScore[batchSize];
    }

    public ICpuNetwork Network { get; }
    public IOptimizer Optimizer { get; }
    public ILearningRateSchedule? Schedule { get; }
    public ulong Seed { get; private set; }
    public int BatchSize { get; }
    public int Epoch => _loop.Epoch;
    /// <summary>Optimizer steps taken (the schedule's clock and the dropout seeds').</summary>
    public long Step { get; private set; }
    public int BatchInEpoch => _loop.BatchInEpoch;

    /// <summary>Full batches replay a captured CUDA graph; off, every step is enqueued launch by launch.</summary>
    public bool CaptureGraphs { get; init; } = true;

    /// <summary>Fill the next batch on another thread while the GPU runs this one; off, fill, run and wait in turn.</summary>
    public bool OverlapLoading { get; init; } = true;

    /// <summary>
    /// One pass over <paramref name="data"/> in the CPU trainer's shuffled order. After a cancellation the finished batches
    /// are kept and the next call continues the same epoch.
    /// </summary>
    public EpochResult TrainEpoch(IBatchSource data, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default) =>
        _loop.Train(this, Seed, data, (data, order, first, last, ct, finished) => RunBatches(data, order, first, last, training: true, ct, finished),
            progress, ct);

    /// <summary>Top-1, top-5 and mean loss in evaluation mode (no dropout, running statistics), in batches of <see cref="BatchSize"/>.</summary>
    public EvaluationResult Evaluate(IBatchSource data) =>
        EpochLoop.Evaluate(Network.Description, data, BatchSize,
            (data, order, first, last, ct, finished) => RunBatches(data, order, first, last, training: false, ct, finished));

    public void ReadParameters(Span<float> destination) => _arena.Download(destination, FloatIndex(ArenaRegion.Parameters));

    public void WriteParameters(ReadOnlySpan<float> source)
    {
        if (source.Length != Network.Description.ParameterCount)
            throw new ArgumentException($"{Network.Description.Name} has {Network.Description.ParameterCount} parameters, got {source.Length}.", nameof(source));
        _arena.Upload(source, FloatIndex(ArenaRegion.Parameters));
    }

    /// <summary>The trainer's position and the optimizer's step count and buffers, read back from the device.</summary>
    public TrainerState ExportState()
    {
        var buffers = new Dictionary<string, float[]>();
        if (_optimizerSteps > 0)
            for (int i = 0; i < _optimizer.StateNames.Count; i++)
            {
                var buffer = new float[_args.TrainableCount];
                _arena.Download<float>(buffer, FloatIndex(ArenaRegion.OptimizerState) + (long)i * buffer.Length);
                buffers[_optimizer.StateNames[i]] = buffer;
            }
        return new TrainerState(Epoch, Step, BatchInEpoch, Seed, new OptimizerState(Optimizer.ExportState().Optimizer, _optimizerSteps, buffers));
    }

    public void ImportState(TrainerState state)
    {
        TrainerState.Check(state);
        Optimizer.ImportState(state.Optimizer);   // checks the kind and the buffer names
        int trainable = _args.TrainableCount;
        if (state.Optimizer.Buffers.Values.FirstOrDefault(b => b.Length != trainable) is { } wrong)
            throw new ArgumentException($"Optimizer buffers must hold the {trainable} trainable parameters; one holds {wrong.Length}.", nameof(state));
        for (int i = 0; i < _optimizer.StateNames.Count; i++)
            _arena.Upload<float>(state.Optimizer.Buffers.TryGetValue(_optimizer.StateNames[i], out var buffer) ? buffer : new float[trainable],
                FloatIndex(ArenaRegion.OptimizerState) + (long)i * trainable);
        _optimizerSteps = state.Optimizer.Steps;
        (_loop.Epoch, Step, _loop.BatchInEpoch, Seed) = (state.Epoch, state.Step, state.BatchInEpoch, state.Seed);
    }

    /// <summary>
    /// Runs batches [first, last) of <paramref name="order"/> through the two pinned slots, handing each finished batch's
    /// losses and label ranks to <paramref name="finished"/> in order. Batch b's slot is refilled for b + 2 only after b
    /// has been read back, so its event guards the reuse. On an error or cancellation, the launched batches finish first.
    /// </summary>
    private void RunBatches(IBatchSource data, int[] order, int first, int last, bool training, CancellationToken ct,
        BatchFinished finished)
    {
        int Count(int batch) => Math.Min(BatchSize, data.Count - batch * BatchSize);
        void Fill(int batch)
        {
            var slot = _slots[batch % 2];
            int n = Count(batch);
            BatchTargets.Fill(data, Network.Layout.Targets, EpochLoop.Indices(order, batch, BatchSize), slot.Inputs(n), slot.Labels(n), slot.Targets(n));
        }
        void Finish(int batch)
        {
            var slot = _slots[batch % 2];
            int n = Count(batch);
            slot.Done.Wait();
            BatchTargets.Score(Network.Layout.Targets, Network.Layout.OutputSize, slot.Logits(n), slot.Labels(n), _scores.AsSpan(0, n));
            finished(batch, slot.Losses(n), _scores.AsSpan(0, n));
        }

        if (first >= last) return;
        int launched = -1;    // the batch on the GPU whose results are not read yet
        void FinishLaunched()
        {
            int batch = launched;
            launched = -1;
            if (batch >= 0) Finish(batch);
        }
        Task filling = Task.CompletedTask;
        try
        {
            Fill(first);
            for (int batch = first; batch < last; batch++)
            {
                filling.GetAwaiter().GetResult();
                ct.ThrowIfCancellationRequested();
                var slot = _slots[batch % 2];
                if (training) slot.StepValues = NextStep();
                Run(slot, Count(batch), training);
                FinishLaunched();     // the previous batch, which ran before this one: frees the other slot
                launched = batch;
                if (!OverlapLoading) FinishLaunched();
                if (batch + 1 < last)
                {
                    int next = batch + 1;
                    if (OverlapLoading) filling = Task.Run(() => Fill(next));
                    else Fill(next);
                }
            }
        }
        finally
        {
            // Nothing may still write a slot or hold results when this returns, whatever happened. A failed fill was
            // already thrown by the loop unless another error is on its way out.
            try { filling.Wait(); } catch (AggregateException) { }
            FinishLaunched();
        }
    }

    /// <summary>The next optimizer step's values; advances the step counters (the step runs right after).</summary>
    private NetDslStep NextStep()
    {
        if (Schedule is not null) Optimizer.LearningRate = Schedule.At(Step);
        var values = _optimizer.StepValues(Optimizer.LearningRate, SplitMix64.Hash(Seed, Trainer.DropoutStream, (ulong)Step), _optimizerSteps + 1);
        Step++;
        _optimizerSteps++;
        return values;
    }

    /// <summary>Enqueues one pass over the slot's n samples: a graph replay for a full batch, else launch by launch.</summary>
    private void Run(Slot slot, int n, bool training)
    {
        if (CaptureGraphs && n == BatchSize)
        {
            ref IKernelGraph? graph = ref training ? ref slot.TrainingGraph : ref slot.EvaluationGraph;
            if (graph is null)
            {
                _backend.BeginCapture();
                try
                {
                    Enqueue(slot, n, training);
                }
                catch
                {
                    _backend.EndCapture().Dispose();   // leaves the stream usable
                    throw;
                }
                graph = _backend.EndCapture();
            }
            graph.Launch();
        }
        else Enqueue(slot, n, training);
        slot.Done.Record();
    }

    private void Enqueue(Slot slot, int n, bool training)
    {
        var layout = Network.Layout;
        var args = _args;
        (args.N, args.BatchSize, args.Training) = (n, n, training ? 1 : 0);
        _backend.CopyToDevice(_args.Activations + (ulong)(4L * layout.InputOffset * BatchSize), slot.Pointer(slot.InputsAt), 4L * n * layout.InputSize);
        _backend.CopyToDevice(_args.Labels, slot.Pointer(slot.LabelsAt), 4L * n * layout.Targets.LabelsPerSample);
        if (layout.Targets.ValuesPerSample > 0)
            _backend.CopyToDevice(_args.Targets, slot.Pointer(slot.TargetsAt), 4L * n * layout.Targets.ValuesPerSample);
        if (training)
        {
            _backend.CopyToDevice(_args.Step, slot.Pointer(slot.StepAt), Marshal.SizeOf<NetDslStep>());
            _backend.Clear(_args.ParameterGradients, 4L * Network.Description.ParameterCount);
        }
        foreach (var launch in _program.Forward)
            if (training || !launch.TrainingOnly) Launch(launch, n, args);
        if (training)
        {
            foreach (var launch in _program.Backward) Launch(launch, n, args);
            Launch(new CudaLaunch(_optimizer.Kernel, 0, args.TrainableCount), n, args);
        }
        _backend.CopyToHost(slot.Pointer(slot.LossesAt), _args.Losses, 4L * n);
        _backend.CopyToHost(slot.Pointer(slot.LogitsAt), _args.Activations + (ulong)(4L * layout.LogitsOffset * BatchSize), 4L * n * layout.OutputSize);
    }

    private void Launch(CudaLaunch launch, int n, in NetDslArgs args)
    {
        var (grid, block) = launch.Shape(n, _backend.Shape);
        _backend.Launch(launch.Kernel, grid, block, (uint)launch.SharedBytes, args.For(launch));
    }

    private CUdeviceptr At(ArenaRegion region) => _arena.Pointer + (ulong)_offsets[(int)region];

    /// <summary>Where a region starts, counted in floats from the arena's start.</summary>
    private long FloatIndex(ArenaRegion region) => _offsets[(int)region] / 4;

    public void Dispose()
    {
        // The stream may still read or write the slots and the arena. Its failures belong to whoever waits for its
        // results; here it only has to stop touching the memory about to be freed.
        try
        {
            _backend.Synchronize();
        }
        catch (Exception)
        {
        }
        foreach (var slot in _slots) slot.Dispose();
        _arena.Dispose();
    }

    /// <summary>
    /// One pinned staging area: a batch's inputs and labels and its step values going in, its losses and logits coming
    /// back; the event marks when the GPU is done with it. Graphs are per slot, since they copy from fixed addresses.
    /// </summary>
    private sealed class Slot : IDisposable
    {
        private readonly IHostBuffer _host;
        private readonly int _inputSize, _outputs, _labels, _targets;

        public Slot(IKernelBackend backend, WorkspaceLayout layout, int capacity)
        {
            (_inputSize, _outputs, _labels, _targets) = (layout.InputSize, layout.OutputSize, layout.Targets.LabelsPerSample, layout.Targets.ValuesPerSample);
            InputsAt = 0;
            LabelsAt = Align(InputsAt + 4L * capacity * layout.InputSize);
            TargetsAt = Align(LabelsAt + 4L * capacity * _labels);
            StepAt = Align(TargetsAt + 4L * capacity * _targets);
            LossesAt = Align(StepAt + Marshal.SizeOf<NetDslStep>());
            LogitsAt = Align(LossesAt + 4L * capacity);
            _host = backend.AllocateHost(LogitsAt + 4L * capacity * _outputs);
            Done = backend.CreateEvent();
        }

        public long InputsAt { get; }
        public long LabelsAt { get; }
        public long TargetsAt { get; }
        public long StepAt { get; }
        public long LossesAt { get; }
        public long LogitsAt { get; }
        public IKernelEvent Done { get; }
        public IKernelGraph? TrainingGraph;
        public IKernelGraph? EvaluationGraph;

        public nint Pointer(long offset) => _host.Pointer + (nint)offset;
        public Span<float> Inputs(int n) => _host.Span<float>(InputsAt, n * _inputSize);
        public Span<int> Labels(int n) => _host.Span<int>(LabelsAt, n * _labels);
        public Span<float> Targets(int n) => _host.Span<float>(TargetsAt, n * _targets);
        public Span<float> Losses(int n) => _host.Span<float>(LossesAt, n);
        public Span<float> Logits(int n) => _host.Span<float>(LogitsAt, n * _outputs);
        public NetDslStep StepValues { set => _host.Span<NetDslStep>(StepAt, 1)[0] = value; }

        private static long Align(long bytes) => (bytes + 63) / 64 * 64;

        public void Dispose()
        {
            TrainingGraph?.Dispose();
            EvaluationGraph?.Dispose();
            Done.Dispose();
            _host.Dispose();
        }
    }
}
