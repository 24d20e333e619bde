namespace NetDsl.Runtime.Training;

/// <summary>A snapshot during an epoch. Loss and accuracy are running means over the samples trained so far in this call.</summary>
/// <param name="Epoch">The epoch being trained, counting from 0.</param>
/// <param name="Batch">Mini-batches of this epoch done, including any done before a resume.</param>
/// <param name="Batches">Mini-batches in the epoch.</param>
public readonly record struct TrainingProgress(
    int Epoch, int Batch, int Batches, long Samples, double MeanLoss, double Accuracy, double LearningRate,
    double SamplesPerSecond, TimeSpan Elapsed);

/// <summary>The outcome of <see cref="Trainer.TrainEpoch"/>; when it resumed mid-epoch, it covers the batches it trained.</summary>
/// <param name="Epoch">The epoch trained, counting from 0.</param>
/// <param name="Accuracy">Top-1 accuracy on the training batches, measured before each update (with dropout).</param>
public sealed record EpochResult(int Epoch, double MeanLoss, double Accuracy, long Samples, TimeSpan Elapsed)
{
    public double SamplesPerSecond => Samples / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>The outcome of <see cref="Trainer.Evaluate"/>.</summary>
public sealed record EvaluationResult(double MeanLoss, double Top1Accuracy, double Top5Accuracy, long Samples);

/// <summary>
/// Everything besides the parameters (saved as the model's weights) that a checkpoint needs to continue training
/// exactly as if it had never stopped: the trainer's randomness is a pure function of (seed, epoch, step).
/// </summary>
/// <param name="Epoch">Completed epochs.</param>
/// <param name="Step">Optimizer steps taken; drives the learning-rate schedule and dropout seeds.</param>
/// <param name="BatchInEpoch">Mini-batches of the current epoch already trained (non-zero after a cancelled epoch).</param>
/// <param name="Seed">Seeds the shuffles and dropout masks.</param>
public sealed record TrainerState(int Epoch, long Step, int BatchInEpoch, ulong Seed, OptimizerState Optimizer)
{
    /// <summary>What every trainer's ImportState checks first: a state is given and its counters are not negative.</summary>
    internal static void Check(TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(state.Epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(state.Step);
        ArgumentOutOfRangeException.ThrowIfNegative(state.BatchInEpoch);
    }
}
