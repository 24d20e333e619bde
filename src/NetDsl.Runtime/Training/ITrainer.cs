using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Training;

/// <summary>
/// What the CLI and checkpoints need of a trainer, on the CPU (<see cref="Trainer"/>) or the GPU (<see cref="GpuTrainer"/>):
/// both shuffle, drop out and schedule alike, so a checkpoint of one resumes on the other.
/// </summary>
public interface ITrainer
{
    ICpuNetwork Network { get; }

    /// <summary>The optimizer's kind and hyperparameters; the schedule sets its learning rate.</summary>
    IOptimizer Optimizer { get; }

    int BatchSize { get; }

    /// <summary>Completed epochs: the index of the epoch the next <see cref="TrainEpoch"/> trains.</summary>
    int Epoch { get; }

    /// <summary>Mini-batches of the current epoch already trained; non-zero only after a cancelled epoch.</summary>
    int BatchInEpoch { get; }

    EpochResult TrainEpoch(IBatchSource data, IProgress<TrainingProgress>? progress = null, CancellationToken ct = default);

    /// <summary>Loss and top-1/top-5 accuracy over <paramref name="data"/> in order, without dropout or updates.</summary>
    EvaluationResult Evaluate(IBatchSource data);

    TrainerState ExportState();

    /// <summary>Restores a state from <see cref="ExportState"/>; load the matching parameters with <see cref="WriteParameters"/> too.</summary>
    void ImportState(TrainerState state);

    /// <summary>Copies the current parameters (trainable tensors, then running statistics) into <paramref name="destination"/>.</summary>
    void ReadParameters(Span<float> destination);

    void WriteParameters(ReadOnlySpan<float> source);
}
