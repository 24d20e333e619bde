using NetDsl.Runtime.Cuda;

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
        _scratch = backend.Allocate(4);
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
        foreach (var launch in _program.Forward) Launch(launch.Kernel, launch.Work(n));
        foreach (var launch in _program.Backward) Launch(launch.Kernel, launch.Work(n));
        Launch("netdsl_sgd_step", _args.TrainableCount);
        return MeanLoss(n);
    }

    /// <summary>The batch's mean loss in evaluation mode (no dropout, running statistics).</summary>
    public double Loss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        int n = Load(inputs, labels);
        _args.Training = 0;
        foreach (var launch in _program.Forward) Launch(launch.Kernel, launch.Work(n));
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

    private void Launch(string kernel, long work)
    {
        var (grid, block) = _backend.Shape(work);
        _backend.Launch(kernel, grid, block, in _args);
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
