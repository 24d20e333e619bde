using System.Numerics;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Training;

/// <summary>
/// torch.optim.Adam, or torch.optim.AdamW with <c>decoupledWeightDecay</c>. Adam adds wd·p to the gradient (L2);
/// AdamW first scales p by 1 − lr·wd. Then m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g², and
/// p += (−lr/(1 − β1ᵗ))·m / (√v / √(1 − β2ᵗ) + eps), rounding where PyTorch rounds.
/// </summary>
/// <remarks>
/// The bias corrections are computed in double, as PyTorch does in Python; "a + alpha·b" and addcmul are fused
/// multiply-adds and addcdiv is (value·m)/denom, matching PyTorch's vectorized CPU kernels.
/// </remarks>
public sealed class Adam : IOptimizer
{
    internal const string Name = "adam";
    internal const string ExpAvgName = "exp_avg";
    internal const string ExpAvgSqName = "exp_avg_sq";

    private float[]? _expAvg, _expAvgSq;

    public Adam(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0,
        bool decoupledWeightDecay = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lr);
        ArgumentOutOfRangeException.ThrowIfNegative(eps);
        if (!(beta1 is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "Must be in [0, 1).");
        if (!(beta2 is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Must be in [0, 1).");
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        LearningRate = lr;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = eps;
        WeightDecay = weightDecay;
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>torch.optim.AdamW, whose default weight decay is 0.01.</summary>
    public static Adam W(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2) =>
        new(lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay: true);

    public double LearningRate { get; set; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }
    /// <summary>AdamW: weight decay shrinks the parameters directly instead of adding to the gradient.</summary>
    public bool DecoupledWeightDecay { get; }
    public long Steps { get; private set; }

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        OptimizerChecks.SameLength(parameters, gradients, _expAvg);
        OptimizerChecks.SameLength(parameters, gradients, _expAvgSq);
        _expAvg ??= new float[parameters.Length];
        _expAvgSq ??= new float[parameters.Length];
        Lanes.Run(new Kernel(this, Steps + 1), parameters, gradients, _expAvg, _expAvgSq);
        Steps++;
    }

    public OptimizerState ExportState()
    {
        var buffers = new Dictionary<string, float[]>();
        if (_expAvg is not null) buffers[ExpAvgName] = (float[])_expAvg.Clone();
        if (_expAvgSq is not null) buffers[ExpAvgSqName] = (float[])_expAvgSq.Clone();
        return new OptimizerState(Name, Steps, buffers);
    }

    public void ImportState(OptimizerState state)
    {
        state.ExpectOptimizer(Name);
        OptimizerChecks.KnownBuffers(state, ExpAvgName, ExpAvgSqName);
        if (state.Steps > 0 && state.Buffers.Count != 2)
            throw new ArgumentException($"Adam state after {state.Steps} steps needs both '{ExpAvgName}' and '{ExpAvgSqName}'.", nameof(state));
        _expAvg = state.CopyOf(ExpAvgName);
        _expAvgSq = state.CopyOf(ExpAvgSqName);
        Steps = state.Steps;
    }

    private readonly struct Kernel : ILaneKernel
    {
        private readonly bool _l2, _decoupled;
        private readonly Vector<float> _weightDecay, _shrink, _beta1, _beta2, _oneMinusBeta1, _oneMinusBeta2;
        private readonly Vector<float> _biasCorrection2Sqrt, _eps, _negativeStepSize;

        public Kernel(Adam adam, long step)
        {
            _l2 = adam.WeightDecay != 0 && !adam.DecoupledWeightDecay;
            _decoupled = adam.DecoupledWeightDecay;
            _weightDecay = new((float)adam.WeightDecay);
            _shrink = new((float)(1 - adam.LearningRate * adam.WeightDecay));
            _beta1 = new((float)adam.Beta1);
            _beta2 = new((float)adam.Beta2);
            _oneMinusBeta1 = new((float)(1 - adam.Beta1));
            _oneMinusBeta2 = new((float)(1 - adam.Beta2));
            _biasCorrection2Sqrt = new((float)Math.Sqrt(1 - Math.Pow(adam.Beta2, step)));
            _eps = new((float)adam.Epsilon);
            _negativeStepSize = new((float)-(adam.LearningRate / (1 - Math.Pow(adam.Beta1, step))));
        }

        public void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> expAvg, Span<float> expAvgSq)
        {
            ref float p0 = ref MemoryMarshal.GetReference(parameters);
            ref float g0 = ref MemoryMarshal.GetReference(gradients);
            ref float m0 = ref MemoryMarshal.GetReference(expAvg);
            ref float v0 = ref MemoryMarshal.GetReference(expAvgSq);
            for (nuint i = 0; i < (nuint)parameters.Length; i += (nuint)Vector<float>.Count)
            {
                var p = Vector.LoadUnsafe(ref p0, i);
                var g = Vector.LoadUnsafe(ref g0, i);
                if (_l2) g = Vector.FusedMultiplyAdd(p, _weightDecay, g);
                if (_decoupled) p *= _shrink;
                var m = Vector.FusedMultiplyAdd(g, _oneMinusBeta1, Vector.LoadUnsafe(ref m0, i) * _beta1);
                var v = Vector.FusedMultiplyAdd(_oneMinusBeta2 * g, g, Vector.LoadUnsafe(ref v0, i) * _beta2);
                var denominator = Vector.SquareRoot(v) / _biasCorrection2Sqrt + _eps;
                m.StoreUnsafe(ref m0, i);
                v.StoreUnsafe(ref v0, i);
                (p + _negativeStepSize * m / denominator).StoreUnsafe(ref p0, i);
            }
        }
    }
}
