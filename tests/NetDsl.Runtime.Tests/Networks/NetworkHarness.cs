using System.Numerics;

namespace NetDsl.Runtime.Tests.Networks;

/// <summary>
/// One fixed batch through a generated network: random inputs, labels and parameters, evaluated as the trainer
/// does (training mode, fixed dropout seed), with the batch split evenly across <c>workers</c>.
/// </summary>
internal sealed class NetworkHarness<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ICpuNetwork _net;
    private readonly Workspace<T> _ws;
    private readonly int _batch;

    private NetworkHarness(ICpuNetwork net, int batch, int workers)
    {
        _net = net;
        _batch = batch;
        Parameters = new T[net.Description.ParameterCount];
        _ws = new Workspace<T>(net.Layout, Parameters.Length, batch, workers)
        {
            BatchSize = batch, Training = true, HasLabels = true, StepSeed = 42,
        };
    }

    public T[] Parameters { get; }

    /// <summary>The workspace of the last pass: inputs, labels, activations, losses, gradients.</summary>
    public Workspace<T> Workspace => _ws;

    public static NetworkHarness<T> Random(ICpuNetwork net, int batch, int seed, int workers = 1)
    {
        var h = new NetworkHarness<T>(net, batch, workers);
        var random = new System.Random(seed);
        net.InitializeParameters<T>(h.Parameters, (ulong)seed);
        // Non-zero biases, so that bias gradients and ReLU/max-pool routing are exercised away from symmetric points.
        for (int i = 0; i < h.Parameters.Length; i++) h.Parameters[i] += T.CreateChecked(0.05 * (random.NextDouble() - 0.5));
        var input = h._ws.Input(0, batch);
        for (int i = 0; i < input.Length; i++) input[i] = T.CreateChecked(random.NextDouble() * 2 - 1);
        // Class labels (a label map leaves about one pixel in ten unlabeled), or float targets in [0, 1) for value heads.
        var targets = net.Description.Targets;
        var labels = h._ws.Labels;
        for (int i = 0; i < labels.Length; i++)
            labels[i] = targets.Kind == TargetKind.ClassMap && random.Next(10) == 0 ? targets.IgnoreLabel : random.Next(targets.Classes);
        var values = h._ws.Targets;
        for (int i = 0; i < values.Length; i++) values[i] = T.CreateChecked(random.NextDouble());
        return h;
    }

    /// <summary>A given batch of class labels: parameters and inputs converted to T.</summary>
    public static NetworkHarness<T> Of(ICpuNetwork net, float[] parameters, float[] inputs, int[] labels, int workers = 1) =>
        Of(net, parameters, inputs, labels, [], workers);

    /// <summary>
    /// A given batch of any target kind: its labels (one per sample, or a map per sample) or its float targets, the
    /// other empty. The batch size is the inputs' sample count; parameters, inputs and targets are converted to T.
    /// </summary>
    public static NetworkHarness<T> Of(ICpuNetwork net, float[] parameters, float[] inputs, int[] labels, float[] targets, int workers = 1)
    {
        var spec = net.Layout.Targets;
        int batch = inputs.Length / net.Layout.InputSize;
        if (batch * net.Layout.InputSize != inputs.Length || labels.Length != batch * spec.LabelsPerSample || targets.Length != batch * spec.ValuesPerSample)
            throw new ArgumentException($"{inputs.Length} inputs, {labels.Length} labels and {targets.Length} targets are not whole samples of {net.Description.Name} ({spec}).");
        var h = new NetworkHarness<T>(net, batch, workers);
        for (int i = 0; i < parameters.Length; i++) h.Parameters[i] = T.CreateChecked(parameters[i]);
        var to = h._ws.Input(0, batch);
        for (int i = 0; i < to.Length; i++) to[i] = T.CreateChecked(inputs[i]);
        labels.CopyTo(h._ws.Labels, 0);
        for (int i = 0; i < targets.Length; i++) h._ws.Targets[i] = T.CreateChecked(targets[i]);
        return h;
    }

    /// <summary>The logits of the last forward pass, as doubles.</summary>
    public double[] Logits()
    {
        var logits = _ws.Logits(0, _batch);
        var result = new double[logits.Length];
        for (int i = 0; i < result.Length; i++) result[i] = double.CreateChecked(logits[i]);
        return result;
    }

    /// <summary>The same batch and parameters in another precision.</summary>
    public static NetworkHarness<T> From<TSource>(ICpuNetwork net, NetworkHarness<TSource> source) where TSource : unmanaged, IFloatingPointIeee754<TSource>
    {
        var h = new NetworkHarness<T>(net, source._batch, source._ws.Workers);
        for (int i = 0; i < h.Parameters.Length; i++) h.Parameters[i] = T.CreateChecked(source.Parameters[i]);
        var from = source._ws.Input(0, source._batch);
        var to = h._ws.Input(0, h._batch);
        for (int i = 0; i < to.Length; i++) to[i] = T.CreateChecked(from[i]);
        source._ws.Labels.CopyTo(h._ws.Labels, 0);
        for (int i = 0; i < h._ws.Targets.Length; i++) h._ws.Targets[i] = T.CreateChecked(source._ws.Targets[i]);
        return h;
    }

    /// <summary>The batch's loss as backward differentiates it: the per-sample losses' sum over what the head averages.</summary>
    public double Loss()
    {
        ForEachWorker((w, n0, n1) => _net.Forward<T>(Parameters, _ws, w, n0, n1));
        double sum = 0;
        for (int n = 0; n < _batch; n++) sum += double.CreateChecked(_ws.Losses[n]);
        var targets = _net.Description.Targets;
        return sum / targets.Kind switch
        {
            TargetKind.ClassMap => Math.Max(1, _ws.Labels.Count(l => l != targets.IgnoreLabel)),
            TargetKind.Values => (double)_batch * targets.ValuesPerSample,
            _ => _batch,
        };
    }

    /// <summary>dLoss/dParameters, summed over workers.</summary>
    public double[] Gradients()
    {
        _ws.ClearParameterGradients();
        ForEachWorker((w, n0, n1) =>
        {
            _net.Forward<T>(Parameters, _ws, w, n0, n1);
            _net.Backward<T>(Parameters, _ws, w, n0, n1);
        });
        return _ws.ReduceParameterGradients().Select(g => double.CreateChecked(g)).ToArray();
    }

    private void ForEachWorker(Action<int, int, int> run) => _ws.Run(_batch, run);
}
