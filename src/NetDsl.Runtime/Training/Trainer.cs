using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Training;

/// <summary>
/// Mini-batch training of a generated network: shuffles, fills a workspace, runs forward and backward in parallel
/// over contiguous sample ranges, sums the workers' gradients and steps the optimizer. Deterministic in the seed for a
/// given worker count; different worker counts differ only by the order in which float gradients are summed.
/// </summary>
public sealed class Trainer : ITrainer
{
    // Random streams of one seed; GpuTrainer draws the same ones, so both paths shuffle and drop out alike.
    internal const ulong ShuffleStream = 1, DropoutStream = 2;

    private readonly ParallelPass _training;
    private ParallelPass? _evaluation;
    private readonly EpochLoop _loop = new();

    /// <param name="parameters">The flat parameter buffer, updated in place (initialize or load it first).</param>
    /// <param name="batchSize">Samples per mini-batch, and the capacity of the workspace.</param>
    /// <param name="seed">Seeds the per-epoch shuffles and per-step dropout masks.</param>
    /// <param name="schedule">Sets the optimizer's learning rate before every step; null leaves it alone.</param>
    /// <param name="workers">Threads per batch; <see cref="Environment.ProcessorCount"/> when null.</param>
    public Trainer(ICpuNetwork network, float[] parameters, IOptimizer optimizer, int batchSize, ulong seed = 0,
        ILearningRateSchedule? schedule = null, int? workers = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var description = network.Description;
        if (parameters.Length != description.ParameterCount)
            throw new ArgumentException(
                $"Network '{description.Name}' has {description.ParameterCount} parameters, but the buffer holds {parameters.Length}.",
                nameof(parameters));
        if (network.Layout.InputSize != description.Input.Size || network.Layout.Targets != description.Targets)
            throw new ArgumentException(
                $"Network '{description.Name}' is inconsistent: its layout takes {network.Layout.InputSize} inputs and " +
                $"{network.Layout.Targets}, its description {description.Input} = {description.Input.Size} inputs and {description.Targets}.",
                nameof(network));

        Network = network;
        Parameters = parameters;
        Optimizer = optimizer;
        Schedule = schedule;
        Seed = seed;
        _training = new ParallelPass(network, parameters, batchSize, workers ?? Environment.ProcessorCount);
    }

    public ICpuNetwork Network { get; }
    public float[] Parameters { get; }
    public IOptimizer Optimizer { get; }
    public ILearningRateSchedule? Schedule { get; }
    public int BatchSize => _training.Workspace.Capacity;
    public int Workers => _training.Workspace.Workers;
    public ulong Seed { get; private set; }
    /// <summary>Completed epochs: the index of the epoch the next <see cref="TrainEpoch"/> trains.</summary>
    public int Epoch => _loop.Epoch;
    /// <summary>Optimizer steps taken.</summary>
    public long Step { get; private set; }
    /// <summary>Mini-batches of the current epoch already trained; non-zero only after a cancelled epoch.</summary>
    public int BatchInEpoch => _loop.BatchInEpoch;

    /// <summary>
    /// Trains one pass over <paramref name="data"/> in a shuffled order that depends only on the seed and the epoch.
    /// After a cancellation (<see cref="OperationCanceledException"/>), the finished batches are kept and the next call
    /// continues the same epoch where it stopped.
    /// </summary>
    public EpochResult TrainEpoch(IBatchSource data, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default) =>
        _loop.Train(this, Seed, data, TrainBatches, progress, ct);

    /// <summary>Loss and top-1/top-5 accuracy over <paramref name="data"/> in order, without dropout or updates.</summary>
    public EvaluationResult Evaluate(IBatchSource data, int batchSize = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var pass = PassFor(batchSize);
        return EpochLoop.Evaluate(Network.Description, data, batchSize, (data, order, first, last, _, finished) =>
        {
            for (int batch = first; batch < last; batch++)
            {
                int count = FillBatch(pass, data, EpochLoop.Indices(order, batch, batchSize));
                pass.Workspace.Training = false;
                pass.Workspace.HasLabels = true;
                pass.Run(count, backward: false);
                finished(batch, pass.Workspace.Losses.AsSpan(0, count), pass.Scores.AsSpan(0, count));
            }
        });
    }

    private void TrainBatches(IBatchSource data, int[] order, int first, int last, CancellationToken ct, BatchFinished finished)
    {
        var ws = _training.Workspace;
        int trainable = Network.Description.TrainableParameterCount;   // running statistics are not optimized
        for (int batch = first; batch < last; batch++)
        {
            ct.ThrowIfCancellationRequested();
            int count = FillBatch(_training, data, EpochLoop.Indices(order, batch, BatchSize));
            // Set per batch: a progress handler may evaluate or predict with this workspace in between.
            ws.Training = true;
            ws.HasLabels = true;
            ws.StepSeed = SplitMix64.Hash(Seed, DropoutStream, (ulong)Step);
            ws.ClearParameterGradients();
            _training.Run(count, backward: true);
            if (Schedule is not null) Optimizer.LearningRate = Schedule.At(Step);
            Optimizer.Step(Parameters.AsSpan(0, trainable), ws.ReduceParameterGradients().AsSpan(0, trainable));
            Step++;
            finished(batch, ws.Losses.AsSpan(0, count), _training.Scores.AsSpan(0, count));
        }
    }

    /// <summary>The network's outputs (logits, before any softmax) for the samples stored back to back in <paramref name="inputs"/>.</summary>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> logits)
    {
        int inputSize = Network.Layout.InputSize, classes = Network.Layout.OutputSize;
        int samples = inputs.Length / inputSize;
        if (inputs.Length != samples * inputSize || logits.Length != samples * classes)
            throw new ArgumentException(
                $"Expected whole samples of {inputSize} inputs and room for {classes} outputs each; got {inputs.Length} inputs and {logits.Length} logits.");
        var ws = _training.Workspace;
        ws.Training = false;
        ws.HasLabels = false;
        for (int start = 0; start < samples; start += BatchSize)
        {
            int count = Math.Min(BatchSize, samples - start);
            inputs.Slice(start * inputSize, count * inputSize).CopyTo(ws.Input(0, count));
            ws.BatchSize = count;
            _training.Run(count, backward: false);
            ws.Logits(0, count).CopyTo(logits.Slice(start * classes, count * classes));
        }
    }

    EvaluationResult ITrainer.Evaluate(IBatchSource data) => Evaluate(data);

    public void ReadParameters(Span<float> destination) => Parameters.CopyTo(destination);

    public void WriteParameters(ReadOnlySpan<float> source) => source.CopyTo(Parameters);

    public TrainerState ExportState() => new(Epoch, Step, BatchInEpoch, Seed, Optimizer.ExportState());

    /// <summary>Restores a state from <see cref="ExportState"/>; load the matching parameters into <see cref="Parameters"/> too.</summary>
    public void ImportState(TrainerState state)
    {
        TrainerState.Check(state);
        Optimizer.ImportState(state.Optimizer);
        (_loop.Epoch, Step, _loop.BatchInEpoch, Seed) = (state.Epoch, state.Step, state.BatchInEpoch, state.Seed);
    }

    /// <summary>Evaluation batches larger than the training batch get a workspace of their own, made once.</summary>
    private ParallelPass PassFor(int batchSize)
    {
        if (batchSize <= BatchSize) return _training;
        if (_evaluation is null || _evaluation.Workspace.Capacity != batchSize)
            _evaluation = new ParallelPass(Network, Parameters, batchSize, Workers);
        return _evaluation;
    }

    private static int FillBatch(ParallelPass pass, IBatchSource data, ReadOnlySpan<int> indices)
    {
        var ws = pass.Workspace;
        int count = indices.Length;
        BatchTargets.Fill(data, ws.Layout.Targets, indices, ws.Input(0, count), ws.LabelsOf(0, count), ws.TargetsOf(0, count));
        ws.BatchSize = count;
        return count;
    }
}
