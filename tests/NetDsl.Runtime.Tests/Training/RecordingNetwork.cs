using System.Numerics;
using NetDsl.Runtime;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>Passes every call to <paramref name="inner"/> and records how the trainer set up the workspace for it.</summary>
internal sealed class RecordingNetwork(ICpuNetwork inner) : ICpuNetwork
{
    public readonly record struct Call(bool Backward, int Worker, int N0, int N1, int BatchSize, bool Training, bool HasLabels, ulong StepSeed);

    private readonly List<Call> _calls = [];

    public NetworkDescription Description => inner.Description;
    public WorkspaceLayout Layout => inner.Layout;

    /// <summary>The calls so far, ordered by kind, then worker, so parallel runs compare deterministically.</summary>
    public Call[] Calls
    {
        get { lock (_calls) return [.. _calls.OrderBy(c => c.Backward).ThenBy(c => c.Worker)]; }
    }

    public void Clear()
    {
        lock (_calls) _calls.Clear();
    }

    public void InitializeParameters<T>(Span<T> parameters, ulong seed) where T : unmanaged, IFloatingPointIeee754<T> =>
        inner.InitializeParameters(parameters, seed);

    public void Forward<T>(Span<T> parameters, Workspace<T> ws, int worker, int n0, int n1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Record(false, ws, worker, n0, n1);
        inner.Forward(parameters, ws, worker, n0, n1);
    }

    public void Backward<T>(ReadOnlySpan<T> parameters, Workspace<T> ws, int worker, int n0, int n1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Record(true, ws, worker, n0, n1);
        inner.Backward(parameters, ws, worker, n0, n1);
    }

    private void Record<T>(bool backward, Workspace<T> ws, int worker, int n0, int n1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        lock (_calls) _calls.Add(new Call(backward, worker, n0, n1, ws.BatchSize, ws.Training, ws.HasLabels, ws.StepSeed));
    }
}
