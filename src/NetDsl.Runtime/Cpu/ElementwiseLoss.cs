using System.Numerics;

namespace NetDsl.Runtime.Cpu;

/// <summary>A head whose loss is a sum over the output's elements: one element's loss and its derivative in x.</summary>
internal interface IElementwiseLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract T Value(T x, T target);
    static abstract T Gradient(T x, T target);
}

// The loops of the heads whose loss is a sum over the output (MeanSquaredError, L1Loss, BinaryCrossEntropyWithLogits). Shapes: x, targets, dx (n, size); losses (n).
//   losses_s = Σ over the sample's elements of Value(x, t)      dx = Gradient(x, t) · scale
// PyTorch's mean is over every element of the batch: scale = 1 / (batch · size) makes Σ losses · scale its loss, and dx
// its gradient. The per-element functions are static members of a struct, so each head's loop is compiled on its own.
internal static class ElementwiseLoss
{
    public static void Forward<T, TLoss>(Span<T> losses, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size)
        where T : unmanaged, IFloatingPointIeee754<T> where TLoss : IElementwiseLoss<T>
    {
        CheckShapes(x.Length, targets.Length, n, size);
        Check.Length(losses.Length, n, nameof(losses));

        for (int s = 0; s < n; s++)
        {
            T sum = T.Zero;
            for (int i = s * size; i < (s + 1) * size; i++) sum += TLoss.Value(x[i], targets[i]);
            losses[s] = sum;
        }
    }

    public static void Backward<T, TLoss>(Span<T> dx, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size, T scale)
        where T : unmanaged, IFloatingPointIeee754<T> where TLoss : IElementwiseLoss<T>
    {
        CheckShapes(x.Length, targets.Length, n, size);
        Check.Length(dx.Length, x.Length, nameof(dx));

        for (int i = 0; i < dx.Length; i++) dx[i] = TLoss.Gradient(x[i], targets[i]) * scale;
    }

    static void CheckShapes(int xLength, int targetsLength, int n, int size)
    {
        Check.Count(n, nameof(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Check.Length(xLength, (long)n * size, "x");
        Check.Length(targetsLength, (long)n * size, "targets");
    }
}
