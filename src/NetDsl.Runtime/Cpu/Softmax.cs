using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Shapes: x, y, dy, dx (n, channels, spatial): softmax over the channels at each sample and position, as PyTorch's
// F.softmax(x, dim=1) on (n, C) (spatial 1) or (n, C, H, W) (spatial H·W).
//   y  = exp(x − max_c x) / Σ_c exp(x − max_c x)      (the maximum first, so every exp is at most 1)
//   dx = y ⊙ (dy − Σ_c dy·y)
// Forward may run in place (y aliasing x), backward too (dx aliasing dy): each position's max and sum, or dot
// product, are complete before its first write.
public static class Softmax
{
    /// <summary>y = softmax of x over the channels, at each sample and position.</summary>
    public static void Forward<T>(Span<T> y, ReadOnlySpan<T> x, int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(x.Length, n, channels, spatial, nameof(x));
        Check.Length(y.Length, x.Length, nameof(y));
        int size = channels * spatial;
        if (spatial == 1)
        {
            for (int s = 0; s < n; s++) Row(y.Slice(s * size, size), x.Slice(s * size, size));
            return;
        }
        // Channels lie a plane apart: work on whole planes, with the per-position max and sum in two planes of scratch.
        T[] scratch = ArrayPool<T>.Shared.Rent(2 * spatial);
        var max = scratch.AsSpan(0, spatial);
        var sum = scratch.AsSpan(spatial, spatial);
        for (int s = 0; s < n; s++)
        {
            var xs = x.Slice(s * size, size);
            var ys = y.Slice(s * size, size);
            xs[..spatial].CopyTo(max);
            for (int c = 1; c < channels; c++) TensorPrimitives.Max(max, xs.Slice(c * spatial, spatial), max);
            sum.Clear();
            for (int c = 0; c < channels; c++)
            {
                var yc = ys.Slice(c * spatial, spatial);
                TensorPrimitives.Subtract(xs.Slice(c * spatial, spatial), max, yc);
                TensorPrimitives.Exp(yc, yc);
                TensorPrimitives.Add(sum, yc, sum);
            }
            for (int c = 0; c < channels; c++) TensorPrimitives.Divide(ys.Slice(c * spatial, spatial), sum, ys.Slice(c * spatial, spatial));
        }
        ArrayPool<T>.Shared.Return(scratch);
    }

    /// <summary>dx = y ⊙ (dy − Σ_c dy·y), from the layer's output y.</summary>
    public static void Backward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> y, int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(y.Length, n, channels, spatial, nameof(y));
        Check.Length(dy.Length, y.Length, nameof(dy));
        Check.Length(dx.Length, y.Length, nameof(dx));
        int size = channels * spatial;
        if (spatial == 1)
        {
            for (int s = 0; s < n; s++)
            {
                var dxs = dx.Slice(s * size, size);
                var ys = y.Slice(s * size, size);
                TensorPrimitives.Subtract(dy.Slice(s * size, size), TensorPrimitives.Dot(dy.Slice(s * size, size), ys), dxs);
                TensorPrimitives.Multiply(dxs, ys, dxs);
            }
            return;
        }
        T[] scratch = ArrayPool<T>.Shared.Rent(spatial);
        var dot = scratch.AsSpan(0, spatial);
        for (int s = 0; s < n; s++)
        {
            var dys = dy.Slice(s * size, size);
            var ys = y.Slice(s * size, size);
            var dxs = dx.Slice(s * size, size);
            dot.Clear();
            for (int c = 0; c < channels; c++) TensorPrimitives.MultiplyAdd(dys.Slice(c * spatial, spatial), ys.Slice(c * spatial, spatial), dot, dot);
            for (int c = 0; c < channels; c++)
            {
                var dxc = dxs.Slice(c * spatial, spatial);
                TensorPrimitives.Subtract(dys.Slice(c * spatial, spatial), dot, dxc);
                TensorPrimitives.Multiply(dxc, ys.Slice(c * spatial, spatial), dxc);
            }
        }
        ArrayPool<T>.Shared.Return(scratch);
    }

    /// <summary>One sample's softmax when its channels are contiguous (spatial 1), as SoftmaxCrossEntropy's.</summary>
    static void Row<T>(Span<T> y, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        TensorPrimitives.Divide(y, TensorPrimitives.Sum<T>(y), y);
    }

    static void CheckShapes(int length, int n, int channels, int spatial, string name)
    {
        Check.Count(n, nameof(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spatial, 1);
        Check.Length(length, (long)n * channels * spatial, name);
    }
}
