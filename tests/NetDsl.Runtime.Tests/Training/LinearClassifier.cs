using System.Numerics;
using NetDsl.Runtime;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>
/// A hand-written stand-in for a generated network: optional inverted dropout on the input, one dense layer,
/// softmax cross-entropy. Slots per sample: input [0, F), logits [F, F + C), dropped-out input [F + C, 2F + C).
/// </summary>
internal sealed class LinearClassifier : ICpuNetwork
{
    private readonly int _features, _classes;
    private readonly double _dropout;

    public LinearClassifier(Shape input, int classes, double dropout = 0)
    {
        _features = input.Size;
        _classes = classes;
        _dropout = dropout;
        Description = new NetworkDescription("Linear", input, classes, [],
            [
                new ParameterInfo("fc.weight", 0, classes * _features, [classes, _features], _features, classes),
                new ParameterInfo("fc.bias", classes * _features, classes, [classes], _features, classes),
            ], []);
        Layout = new WorkspaceLayout(2 * _features + classes, 0, _features, _features, classes, classes);
    }

    public NetworkDescription Description { get; }
    public WorkspaceLayout Layout { get; }

    /// <summary>Weights uniform in ±0.1 from the seed, zero biases.</summary>
    public void InitializeParameters<T>(Span<T> parameters, ulong seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random((int)seed);
        parameters.Clear();
        for (int i = 0; i < _classes * _features; i++) parameters[i] = T.CreateChecked(random.NextDouble() * 0.2 - 0.1);
    }

    public void Forward<T>(Span<T> parameters, Workspace<T> ws, int worker, int n0, int n1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var input = ws.Input(n0, n1);
        var kept = ws.Slot(_features + _classes, _features, n0, n1);
        var logits = ws.Logits(n0, n1);
        T scale = T.One / T.CreateChecked(1 - _dropout);
        for (int n = n0; n < n1; n++)
        {
            var x = input.Slice((n - n0) * _features, _features);
            var k = kept.Slice((n - n0) * _features, _features);
            for (int f = 0; f < _features; f++)
                k[f] = !ws.Training || _dropout == 0 ? x[f] : Keeps(ws.StepSeed, n, f) ? x[f] * scale : T.Zero;

            var z = logits.Slice((n - n0) * _classes, _classes);
            for (int c = 0; c < _classes; c++)
            {
                T sum = parameters[_classes * _features + c];
                for (int f = 0; f < _features; f++) sum += parameters[c * _features + f] * k[f];
                z[c] = sum;
            }
            if (ws.HasLabels) ws.Losses[n] = LogSumExp(z) - z[ws.Labels[n]];
        }
    }

    public void Backward<T>(ReadOnlySpan<T> parameters, Workspace<T> ws, int worker, int n0, int n1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kept = ws.Slot(_features + _classes, _features, n0, n1);
        var logits = ws.Logits(n0, n1);
        var grad = ws.ParameterGradients[worker];
        var delta = ws.Scratch[worker].AsSpan(0, _classes);
        T batch = T.CreateChecked(ws.BatchSize);
        for (int n = n0; n < n1; n++)
        {
            var z = logits.Slice((n - n0) * _classes, _classes);
            T lse = LogSumExp(z);
            for (int c = 0; c < _classes; c++)
                delta[c] = (T.Exp(z[c] - lse) - (c == ws.Labels[n] ? T.One : T.Zero)) / batch;
            var k = kept.Slice((n - n0) * _features, _features);
            for (int c = 0; c < _classes; c++)
            {
                for (int f = 0; f < _features; f++) grad[c * _features + f] += delta[c] * k[f];
                grad[_classes * _features + c] += delta[c];
            }
        }
    }

    private bool Keeps(ulong seed, int sample, int feature)
    {
        ulong h = (seed ^ (ulong)(sample * _features + feature)) * 0x9E3779B97F4A7C15;
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9;
        h ^= h >> 32;
        return (h >> 11) * (1.0 / (1UL << 53)) >= _dropout;
    }

    private static T LogSumExp<T>(ReadOnlySpan<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = z[0];
        foreach (var v in z) max = T.Max(max, v);
        T sum = T.Zero;
        foreach (var v in z) sum += T.Exp(v - max);
        return max + T.Log(sum);
    }
}
