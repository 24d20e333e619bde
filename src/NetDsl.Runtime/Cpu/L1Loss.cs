using System.Numerics;

namespace NetDsl.Runtime.Cpu;

// PyTorch's F.l1_loss(x, targets) for regression: float targets of the output's shape. Shapes: x, targets, dx (n, size); losses (n).
//   losses_s = Σ over the sample's elements of |x − t|      dx = sign(x − t) · scale, 0 where x = t (PyTorch's sign)
// PyTorch's mean is over every element of the batch: scale = 1 / (batch · size) makes Σ losses · scale its loss.
public static class L1Loss
{
    /// <summary>losses = each sample's sum of absolute errors.</summary>
    public static void Forward<T>(Span<T> losses, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size)
        where T : unmanaged, IFloatingPointIeee754<T> => ElementwiseLoss.Forward<T, AbsoluteError<T>>(losses, x, targets, n, size);

    /// <summary>dx = sign(x − targets) · scale, 0 where they are equal: the gradient of scale · Σ losses. dx may alias x.</summary>
    public static void Backward<T>(Span<T> dx, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size, T scale)
        where T : unmanaged, IFloatingPointIeee754<T> => ElementwiseLoss.Backward<T, AbsoluteError<T>>(dx, x, targets, n, size, scale);

    readonly struct AbsoluteError<T> : IElementwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static T Value(T x, T target) => T.Abs(x - target);

        // Not T.Sign, which throws on NaN: a NaN difference stays NaN, as in PyTorch.
        public static T Gradient(T x, T target)
        {
            T d = x - target;
            return d > T.Zero ? T.One : d < T.Zero ? -T.One : d * T.Zero;
        }
    }
}
