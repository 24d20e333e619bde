using System.Numerics;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Training;

/// <summary>
/// Stochastic gradient descent as torch.optim.SGD: d = g + wd·p; buf = d on the first step, else
/// momentum·buf + (1 − dampening)·d; d = d + momentum·buf with Nesterov, else buf; p −= lr·d.
/// </summary>
/// <remarks>
/// Hyperparameters are doubles, like PyTorch's Python floats, and are rounded to float where PyTorch rounds them.
/// Every "a + alpha·b" is one fused multiply-add because PyTorch's vectorized add kernel is one.
/// </remarks>
public sealed class Sgd : IOptimizer
{
    internal const string Name = "sgd";
    internal const string MomentumBufferName = "momentum_buffer";

    private float[]? _momentumBuffer;

    public Sgd(double lr, double momentum = 0, double weightDecay = 0, bool nesterov = false, double dampening = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lr);
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening.", nameof(nesterov));
        LearningRate = lr;
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        Dampening = dampening;
    }

    public double LearningRate { get; set; }
    public double Momentum { get; }
    public double WeightDecay { get; }
    public bool Nesterov { get; }
    public double Dampening { get; }
    public long Steps { get; private set; }

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerChecks.SameLength(parameters, gradients, _momentumBuffer);
        bool first = _momentumBuffer is null;
        if (Momentum != 0) _momentumBuffer ??= new float[parameters.Length];
        Lanes.Run(new Kernel(this, first), parameters, gradients, _momentumBuffer, default);
        Steps++;
    }

    public OptimizerState ExportState()
    {
        var buffers = new Dictionary<string, float[]>();
        if (_momentumBuffer is not null) buffers[MomentumBufferName] = (float[])_momentumBuffer.Clone();
        return new OptimizerState(Name, Steps, buffers);
    }

    public void ImportState(OptimizerState state)
    {
        state.ExpectOptimizer(Name);
        OptimizerChecks.KnownBuffers(state, MomentumBufferName);
        _momentumBuffer = state.CopyOf(MomentumBufferName);
        Steps = state.Steps;
    }

    private readonly struct Kernel(Sgd sgd, bool first) : ILaneKernel
    {
        private readonly bool _first = first, _decay = sgd.WeightDecay != 0, _momentum = sgd.Momentum != 0, _nesterov = sgd.Nesterov;
        private readonly Vector<float> _weightDecay = new((float)sgd.WeightDecay), _momentumFactor = new((float)sgd.Momentum);
        private readonly Vector<float> _keep = new((float)(1 - sgd.Dampening)), _negativeLr = new((float)-sgd.LearningRate);

        public void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> momentumBuffer, Span<float> unused)
        {
            ref float p0 = ref MemoryMarshal.GetReference(parameters);
            ref float g0 = ref MemoryMarshal.GetReference(gradients);
            ref float b0 = ref MemoryMarshal.GetReference(momentumBuffer);
            for (nuint i = 0; i < (nuint)parameters.Length; i += (nuint)Vector<float>.Count)
            {
                var p = Vector.LoadUnsafe(ref p0, i);
                var d = Vector.LoadUnsafe(ref g0, i);
                if (_decay) d = Vector.FusedMultiplyAdd(p, _weightDecay, d);
                if (_momentum)
                {
                    var buf = _first ? d : Vector.FusedMultiplyAdd(d, _keep, Vector.LoadUnsafe(ref b0, i) * _momentumFactor);
                    buf.StoreUnsafe(ref b0, i);
                    d = _nesterov ? Vector.FusedMultiplyAdd(buf, _momentumFactor, d) : buf;
                }
                Vector.FusedMultiplyAdd(d, _negativeLr, p).StoreUnsafe(ref p0, i);
            }
        }
    }
}
