using System.Numerics;

namespace NetDsl.Runtime.Cpu;

// PyTorch's F.mse_loss(x, targets) for regression: float targets of the output's shape. Shapes: x, targets, dx (n, size); losses (n).
//   losses_s = Σ over the sample's elements of (x − t)²      dx = 2(x − t) · scale
// PyTorch's mean is over every element of the batch: scale = 1 / (batch · size) makes Σ losses · scale its loss.
public static class MeanSquaredError
{
    /// <summary>losses = each sample's sum of squared errors.</summary>
    public static void Forward<T>(Span<T> losses, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size)
        where T : unmanaged, IFloatingPointIeee754<T> => ElementwiseLoss.Forward<T, SquaredError<T>>(losses, x, targets, n, size);

    /// <summary>dx = 2(x − targets) · scale: the gradient of scale · Σ losses. dx may alias x.</summary>
    public static void Backward<T>(Span<T> dx, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size, T scale)
        where T : unmanaged, IFloatingPointIeee754<T> => ElementwiseLoss.Backward<T, SquaredError<T>>(dx, x, targets, n, size, scale);

    readonly struct SquaredError<T> : IElementwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static T Value(T x, T target) => (x - target) * (x - target);
        public static T Gradient(T x, T target) => (x - target) * T.CreateTruncating(2);
    }
}
