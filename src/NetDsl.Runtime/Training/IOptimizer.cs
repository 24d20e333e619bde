namespace NetDsl.Runtime.Training;

/// <summary>
/// Updates the flat parameter buffer of a network from its gradient, in place. Implementations follow
/// torch.optim (1.13, CPU, float32) operation for operation, so a run can be compared with PyTorch bit for bit.
/// </summary>
public interface IOptimizer
{
    /// <summary>Used by the next <see cref="Step"/>; a schedule may change it between steps.</summary>
    double LearningRate { get; set; }

    /// <summary>Steps taken so far (PyTorch's <c>state['step']</c>).</summary>
    long Steps { get; }

    /// <summary>Applies one update. Every call must pass buffers of the same length.</summary>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>A deep copy of everything needed to continue bit-exactly: the step count and the per-parameter buffers.</summary>
    OptimizerState ExportState();

    /// <summary>Replaces the state with a copy of <paramref name="state"/>, which must come from the same kind of optimizer.</summary>
    void ImportState(OptimizerState state);
}

/// <summary>
/// The resumable state of an optimizer. <see cref="Buffers"/> uses PyTorch's state names
/// ("momentum_buffer", "exp_avg", "exp_avg_sq"); each buffer is as long as the parameter buffer.
/// Hyperparameters are not state: they come from the configuration that rebuilds the optimizer.
/// </summary>
public sealed record OptimizerState(string Optimizer, long Steps, IReadOnlyDictionary<string, float[]> Buffers)
{
    internal float[]? CopyOf(string name) => Buffers.TryGetValue(name, out var buffer) ? (float[])buffer.Clone() : null;

    internal void ExpectOptimizer(string optimizer)
    {
        if (Optimizer != optimizer)
            throw new ArgumentException($"Cannot import {Optimizer} state into a {optimizer} optimizer.", nameof(Optimizer));
        ArgumentOutOfRangeException.ThrowIfNegative(Steps);
    }
}
