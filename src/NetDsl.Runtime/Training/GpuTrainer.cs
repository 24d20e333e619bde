using System.Diagnostics;
using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Training;

/// <summary>
/// Trains a network with its generated GPU program: a step uploads one batch, runs the forward and backward launches
/// and one SGD kernel on the device, and reads back only the losses. Parameters stay on the device until
/// <see cref="DownloadParameters"/>. Buffers mirror the CPU workspace, so results compare with <see cref="Trainer"/>'s.
/// </summary>
public sealed class GpuTrainer : IDisposable
{
    private readonly ICpuNetwork _network;
    private readonly CudaProgram _program;
    private readonly IKernelBackend _backend;
    private readonly IKernelBuffer _activations, _gradients, _parameters, _parameterGradients, _scratch, _reductions, _labels, _losses, _momentum;
    private readonly float[] _hostLosses;
    private NetDslArgs _args;

    /// <param name="parameters">Initial parameters (trainable tensors, then running statistics), copied to the device.</param>
    public GpuTrainer(ICpuNetwork network, CudaProgram program, IKernelBackend backend, ReadOnlySpan<float> parameters, int capacity,
        double learningRate, double momentum = 0.9, double weightDecay = 5e-4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var description = network.Description;
        if (parameters.Length != description.ParameterCount)
            throw new ArgumentException($"{description.Name} has {description.ParameterCount} parameters, the buffer holds {parameters.Length}.", nameof(parameters));
        (_network, _program, _backend, Capacity) = (network, program, backend, capacity);

        var layout = network.Layout;
        long activations = (long)layout.ActivationsPerSample * capacity;
        _activations = backend.Allocate(4 * activations);
        _gradients = backend.Allocate(4 * activations);
        _parameters = backend.Allocate(4L * parameters.Length);
        _parameters.Upload(parameters);
        _parameterGradients = backend.Allocate(4L * parameters.Length);
        _momentum = backend.Allocate(4L * description.TrainableParameterCount);
        _scratch = backend.Allocate(4 * program.ScratchFloats(capacity));
        _reductions = backend.Allocate(4L * layout.ReductionPerWorker);
        _labels = backend.Allocate(4L * capacity);
        _losses = backend.Allocate(4L * capacity);
        _hostLosses = new float[capacity];
        _args = new NetDslArgs
        {
            Activations = _activations.Pointer, Gradients = _gradients.Pointer, Parameters = _parameters.Pointer,
            ParameterGradients = _parameterGradients.Pointer, Scratch = _scratch.Pointer, Reductions = _reductions.Pointer,
            Labels = _labels.Pointer, Losses = _losses.Pointer, Capacity = capacity, OptimizerState = _momentum.Pointer,
            TrainableCount = description.TrainableParameterCount,
            LearningRate = (float)learningRate, Momentum = (float)momentum, WeightDecay = (float)weightDecay,
        };
    }

    public int Capacity { get; }

    /// <summary>Completed epochs; the next <see cref="TrainEpoch"/> trains this index.</summary>
    public int Epoch { get; private set; }

    /// <summary>Optimizer steps taken (the schedule's clock).</summary>
    public long Steps { get; private set; }

    /// <summary>
    /// One pass over <paramref name="data"/> in a shuffled order that depends only on (seed, epoch), as on the CPU,
    /// with the learning rate from <paramref name="schedule"/> at every step.
    /// </summary>
    public EpochResult TrainEpoch(IBatchSource data, ulong seed, ILearningRateSchedule? schedule = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var order = new int[data.Count];
        new SplitMix64(SplitMix64.Hash(seed, Trainer.ShuffleStream, (ulong)Epoch)).Permutation(order);
        var inputs = new float[Capacity * _network.Layout.InputSize];
        var labels = new int[Capacity];
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        int batches = (data.Count + Capacity - 1) / Capacity;
        for (int b = 0; b < batches; b++)
        {
            ct.ThrowIfCancellationRequested();
            int n = Math.Min(Capacity, data.Count - b * Capacity);
            data.Fill(order.AsSpan(b * Capacity, n), inputs, labels);
            if (schedule is not null) LearningRate = schedule.At(Steps);
            lossSum += n * Step(inputs.AsSpan(0, n * _network.Layout.InputSize), labels.AsSpan(0, n), SplitMix64.Hash(seed, Trainer.DropoutStream, (ulong)Steps));
            Steps++;
            progress?.Report(new TrainingProgress(Epoch + 1, b + 1, batches, (long)b * Capacity + n, lossSum / ((long)b * Capacity + n),
                double.NaN, LearningRate, ((long)b * Capacity + n) / clock.Elapsed.TotalSeconds, clock.Elapsed));
        }
        Epoch++;
        return new EpochResult(Epoch, lossSum / data.Count, double.NaN, data.Count, clock.Elapsed);
    }

    /// <summary>Top-1, top-5 and mean loss in evaluation mode (no dropout, running statistics), reading back the logits.</summary>
    public EvaluationResult Evaluate(IBatchSource data)
    {
        var layout = _network.Layout;
        var inputs = new float[Capacity * layout.InputSize];
        var labels = new int[Capacity];
        var logits = new float[Capacity * layout.Classes];
        var indices = new int[Capacity];
        double lossSum = 0;
        long top1 = 0, top5 = 0;
        for (int start = 0; start < data.Count; start += Capacity)
        {
            int n = Math.Min(Capacity, data.Count - start);
            for (int i = 0; i < n; i++) indices[i] = start + i;
            data.Fill(indices.AsSpan(0, n), inputs, labels);
            lossSum += n * Loss(inputs.AsSpan(0, n * layout.InputSize), labels.AsSpan(0, n));
            _activations.Download(logits.AsSpan(0, n * layout.Classes), (long)layout.LogitsOffset * Capacity);
            for (int i = 0; i < n; i++)
            {
                int rank = ParallelPass.RankOf(logits.AsSpan(i * layout.Classes, layout.Classes), labels[i]);
                top1 += rank == 0 ? 1 : 0;
                top5 += rank < 5 ? 1 : 0;
            }
        }
        return new EvaluationResult(lossSum / data.Count, (double)top1 / data.Count, (double)top5 / data.Count, data.Count);
    }

    public double LearningRate
    {
        get => _args.LearningRate;
        set => _args.LearningRate = (float)value;
    }

    /// <summary>One SGD step on a batch of <c>labels.Length</c> samples; returns the batch's mean loss.</summary>
    public double Step(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, ulong seed)
    {
        int n = Load(inputs, labels);
        _args.Training = 1;
        _args.Seed = seed;
        _parameterGradients.Clear();
        foreach (var launch in _program.Forward) Launch(launch, n);
        foreach (var launch in _program.Backward) Launch(launch, n);
        Launch(new CudaLaunch("netdsl_sgd_step", 0, _args.TrainableCount), n);
        return MeanLoss(n);
    }

    /// <summary>The batch's mean loss in evaluation mode (no dropout, running statistics).</summary>
    public double Loss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        int n = Load(inputs, labels);
        _args.Training = 0;
        foreach (var launch in _program.Forward) Launch(launch, n);
        return MeanLoss(n);
    }

    public void DownloadParameters(Span<float> destination)
    {
        _backend.Synchronize();
        _parameters.Download(destination);
    }

    private int Load(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        int n = labels.Length;
        var layout = _network.Layout;
        if (n < 1 || n > Capacity) throw new ArgumentOutOfRangeException(nameof(labels), n, $"A batch holds 1 to {Capacity} samples.");
        if (inputs.Length != n * layout.InputSize)
            throw new ArgumentException($"{n} samples need {n * layout.InputSize} inputs ({layout.InputSize} each), got {inputs.Length}.", nameof(inputs));
        _activations.Upload(inputs, (long)layout.InputOffset * Capacity);
        _labels.Upload(labels);
        _args.N = _args.BatchSize = n;
        return n;
    }

    private void Launch(CudaLaunch launch, int n)
    {
        var (grid, block) = launch.Shape(n, _backend.Shape);
        _backend.Launch(launch.Kernel, grid, block, (uint)launch.SharedBytes, in _args);
    }

    private double MeanLoss(int n)
    {
        _backend.Synchronize();
        _losses.Download(_hostLosses.AsSpan(0, n));
        double sum = 0;
        for (int i = 0; i < n; i++) sum += _hostLosses[i];
        return sum / n;
    }

    public void Dispose()
    {
        foreach (var buffer in new[] { _activations, _gradients, _parameters, _parameterGradients, _scratch, _reductions, _labels, _losses, _momentum })
            buffer.Dispose();
    }
}
