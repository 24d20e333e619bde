using System.Numerics;

namespace NetDsl.Runtime.Cpu;

// PyTorch's F.binary_cross_entropy_with_logits(x, targets) for multi-label outputs: float targets in [0, 1] of the
// output's shape, one independent sigmoid per element. Shapes: x, targets, dx (n, size); losses (n).
//   losses_s = Σ over the sample's elements of max(x, 0) − x·t + log(1 + e^−|x|)      dx = (σ(x) − t) · scale
// That form of −t·log σ(x) − (1 − t)·log(1 − σ(x)) never takes e to a positive power, so logits of any size stay
// finite. PyTorch's mean is over every element of the batch: scale = 1 / (batch · size) makes Σ losses · scale its loss.
public static class BinaryCrossEntropyWithLogits
{
    /// <summary>losses = each sample's binary cross-entropy summed over its elements.</summary>
    public static void Forward<T>(Span<T> losses, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size)
        where T : unmanaged, IFloatingPointIeee754<T> => ElementwiseLoss.Forward<T, LogisticLoss<T>>(losses, x, targets, n, size);

    /// <summary>dx = (σ(x) − targets) · scale: the gradient of scale · Σ losses. dx may alias x.</summary>
    public static void Backward<T>(Span<T> dx, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size, T scale)
        where T : unmanaged, IFloatingPointIeee754<T> => ElementwiseLoss.Backward<T, LogisticLoss<T>>(dx, x, targets, n, size, scale);

    readonly struct LogisticLoss<T> : IElementwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static T Value(T x, T target) => T.Max(x, T.Zero) - x * target + T.LogP1(T.Exp(-T.Abs(x)));

        // σ(x) = 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) below: again no positive power of e.
        public static T Gradient(T x, T target)
        {
            T e = T.Exp(-T.Abs(x));
            return (x >= T.Zero ? T.One : e) / (T.One + e) - target;
        }
    }
}
