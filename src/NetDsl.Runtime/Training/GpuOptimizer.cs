using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Training;

/// <summary>
/// An optimizer's GPU kernel (netdsl_kernels.cuh), the hyperparameters it takes by value, the per-step values it takes
/// through <see cref="NetDslStep"/>, and the names of its state buffers, which sit back to back in the arena's
/// optimizer region, each as long as the trainable prefix. Rounds every value where the CPU optimizer rounds it.
/// </summary>
internal sealed class GpuOptimizer
{
    private readonly IOptimizer _optimizer;

    private GpuOptimizer(IOptimizer optimizer, string kernel, string[] stateNames)
    {
        _optimizer = optimizer;
        Kernel = kernel;
        StateNames = stateNames;
    }

    public string Kernel { get; }

    /// <summary>The state buffers in arena order, under their PyTorch names; empty before the first step.</summary>
    public IReadOnlyList<string> StateNames { get; }

    public static GpuOptimizer For(IOptimizer optimizer) => optimizer switch
    {
        Sgd { Nesterov: true } or Sgd { Dampening: not 0 } =>
            throw new ArgumentException("The GPU's SGD has plain momentum: no Nesterov, no dampening.", nameof(optimizer)),
        Sgd sgd => new(sgd, "netdsl_sgd_step", sgd.Momentum != 0 ? [Sgd.MomentumBufferName] : []),
        Adam adam => new(adam, adam.DecoupledWeightDecay ? "netdsl_adamw_step" : "netdsl_adam_step", [Adam.ExpAvgName, Adam.ExpAvgSqName]),
        _ => throw new ArgumentException($"{optimizer.GetType().Name} has no GPU kernel; use Sgd or Adam.", nameof(optimizer)),
    };

    /// <summary>The hyperparameters that stay fixed for a run.</summary>
    public void SetArguments(ref NetDslArgs args)
    {
        switch (_optimizer)
        {
            case Sgd sgd:
                (args.Momentum, args.WeightDecay) = ((float)sgd.Momentum, (float)sgd.WeightDecay);
                break;
            case Adam adam:
                args.WeightDecay = (float)adam.WeightDecay;
                (args.Beta1, args.Beta2, args.Epsilon) = ((float)adam.Beta1, (float)adam.Beta2, (float)adam.Epsilon);
                (args.OneMinusBeta1, args.OneMinusBeta2) = ((float)(1 - adam.Beta1), (float)(1 - adam.Beta2));
                break;
        }
    }

    /// <summary>The values of optimizer step <paramref name="step"/> (1 for the first) at learning rate <paramref name="lr"/>.</summary>
    public NetDslStep StepValues(double lr, ulong dropoutSeed, long step)
    {
        var values = new NetDslStep { Seed = dropoutSeed, LearningRate = (float)lr };
        if (_optimizer is Adam adam)
        {
            values.AdamStepSize = (float)-(lr / (1 - Math.Pow(adam.Beta1, step)));
            values.AdamCorrection2Sqrt = (float)Math.Sqrt(1 - Math.Pow(adam.Beta2, step));
            values.DecayFactor = (float)(1 - lr * adam.WeightDecay);
        }
        return values;
    }
}
