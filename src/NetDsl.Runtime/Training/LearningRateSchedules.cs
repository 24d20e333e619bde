namespace NetDsl.Runtime.Training;

/// <summary>The learning rate of each optimizer step, as a pure function of the step index (0 for the first step).</summary>
/// <remarks>Being a function of the step alone, a schedule needs no state of its own to resume from a checkpoint.</remarks>
public interface ILearningRateSchedule
{
    double At(long step);
}

/// <summary>The same learning rate for every step.</summary>
public sealed record ConstantLearningRate(double LearningRate) : ILearningRateSchedule
{
    public double At(long step) => LearningRate;
}

/// <summary>
/// Half a cosine from <see cref="LearningRate"/> at step 0 down to <see cref="MinimumLearningRate"/> at
/// <see cref="TotalSteps"/>, and the minimum after that: PyTorch's CosineAnnealingLR in closed form with T_max = TotalSteps.
/// </summary>
public sealed record CosineAnnealing : ILearningRateSchedule
{
    public CosineAnnealing(double learningRate, long totalSteps, double minimumLearningRate = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        LearningRate = learningRate;
        TotalSteps = totalSteps;
        MinimumLearningRate = minimumLearningRate;
    }

    public double LearningRate { get; }
    public long TotalSteps { get; }
    public double MinimumLearningRate { get; }

    public double At(long step)
    {
        double progress = Math.Clamp((double)step / TotalSteps, 0, 1);
        return MinimumLearningRate + (LearningRate - MinimumLearningRate) * (1 + Math.Cos(Math.PI * progress)) / 2;
    }
}

/// <summary>
/// Ramps linearly up to <see cref="Then"/>'s first rate over <see cref="WarmupSteps"/> steps (step k gets
/// (k + 1)/WarmupSteps of it), then follows <see cref="Then"/> with its steps counted from the end of the warmup.
/// For a cosine decay that ends with the run, give the cosine <c>totalSteps − warmupSteps</c> steps.
/// </summary>
public sealed record LinearWarmup : ILearningRateSchedule
{
    public LinearWarmup(long warmupSteps, ILearningRateSchedule then)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentNullException.ThrowIfNull(then);
        WarmupSteps = warmupSteps;
        Then = then;
    }

    public long WarmupSteps { get; }
    public ILearningRateSchedule Then { get; }

    public double At(long step) =>
        step < WarmupSteps ? Then.At(0) * (step + 1) / WarmupSteps : Then.At(step - WarmupSteps);
}
