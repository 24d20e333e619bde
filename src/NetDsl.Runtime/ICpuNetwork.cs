using System.Numerics;

namespace NetDsl.Runtime;

/// <summary>
/// The CPU program the generator emits for a network. Forward and backward work on the sample range
/// [n0, n1) of the batch held in a <see cref="Workspace{T}"/>, so the runtime can split a batch across workers.
/// Generic over the element type: float for training, double for finite-difference gradient checks.
/// </summary>
public interface ICpuNetwork : INetwork
{
    WorkspaceLayout Layout { get; }

    /// <summary>He-normal weights before ReLU, Xavier-uniform otherwise, zero biases; deterministic in <paramref name="seed"/>.</summary>
    void InitializeParameters<T>(Span<T> parameters, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Runs every layer on samples [n0, n1) of <paramref name="ws"/>'s input, then the loss head when labels are set.
    /// All workers must run together (see <see cref="Workspace{T}.Run"/>): batch statistics meet at barriers. In
    /// training, worker 0 also updates the non-trainable buffers (running statistics) at the end of the parameters.
    /// </summary>
    void Forward<T>(Span<T> parameters, Workspace<T> ws, int worker, int n0, int n1) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Back-propagates the mean loss of the batch for samples [n0, n1), accumulating into worker's parameter gradients.</summary>
    void Backward<T>(ReadOnlySpan<T> parameters, Workspace<T> ws, int worker, int n0, int n1) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>
/// Per-sample sizes of the activation workspace, computed at compile time. Slot offsets are per sample:
/// slot k of a batch with capacity C starts at element <c>offset_k * C</c> and holds C samples back to back.
/// <see cref="LogitsOffset"/> is the network's output slot, <see cref="OutputSize"/> its floats per sample.
/// </summary>
public sealed record WorkspaceLayout(int ActivationsPerSample, int InputOffset, int InputSize, int LogitsOffset, int OutputSize, int ScratchPerWorker,
    int ReductionPerWorker = 0)
{
    private readonly TargetSpec? _targets;

    /// <summary>What the loss reads per sample; one class label among the outputs unless the head says otherwise.</summary>
    public TargetSpec Targets { get => _targets ?? TargetSpec.Class(OutputSize); init => _targets = value; }
}
