using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Graph plumbing. Shapes, per sample s of n:
//   concat   x (n, xPerSample) is y (n, yPerSample)[:, offset .. offset + xPerSample): one input's channels of a
//            channel concatenation (NCHW keeps each sample's channels contiguous, so this is one block copy)
//   add      y, a, b: any layout, equal lengths (residual sums)
//   accumulate/copy: destination and source of equal lengths; a tensor read by several layers gets the sum of
//            their gradients (the first copies, the rest accumulate)
public static class Join
{
    /// <summary>y[s, offset ..] = x[s] for every sample. Shapes: y (n, yPerSample), x (n, xPerSample).</summary>
    public static void ConcatForward<T>(Span<T> y, ReadOnlySpan<T> x, int n, int yPerSample, int xPerSample, int offset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckConcat(y.Length, x.Length, n, yPerSample, xPerSample, offset, nameof(y), nameof(x));
        for (int s = 0; s < n; s++)
            x.Slice(s * xPerSample, xPerSample).CopyTo(y.Slice(s * yPerSample + offset, xPerSample));
    }

    /// <summary>dx[s] = dy[s, offset ..] for every sample (dx is overwritten). Shapes: dx (n, xPerSample), dy (n, yPerSample).</summary>
    public static void ConcatBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, int n, int yPerSample, int xPerSample, int offset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckConcat(dy.Length, dx.Length, n, yPerSample, xPerSample, offset, nameof(dy), nameof(dx));
        for (int s = 0; s < n; s++)
            dy.Slice(s * yPerSample + offset, xPerSample).CopyTo(dx.Slice(s * xPerSample, xPerSample));
    }

    /// <summary>y = a + b. y may alias a or b.</summary>
    public static void Add<T>(Span<T> y, ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(a.Length, y.Length, nameof(a));
        Check.Length(b.Length, y.Length, nameof(b));
        TensorPrimitives.Add(a, b, y);
    }

    /// <summary>destination += source.</summary>
    public static void Accumulate<T>(Span<T> destination, ReadOnlySpan<T> source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(source.Length, destination.Length, nameof(source));
        TensorPrimitives.Add(destination, source, destination);
    }

    /// <summary>destination += scale · source: an auxiliary head's weighted loss added to the total.</summary>
    public static void AccumulateScaled<T>(Span<T> destination, ReadOnlySpan<T> source, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(source.Length, destination.Length, nameof(source));
        TensorPrimitives.MultiplyAdd(source, scale, destination, destination);
    }

    /// <summary>destination = source.</summary>
    public static void Copy<T>(Span<T> destination, ReadOnlySpan<T> source) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(source.Length, destination.Length, nameof(source));
        source.CopyTo(destination);
    }

    static void CheckConcat(int wholeLength, int partLength, int n, int yPerSample, int xPerSample, int offset, string wholeName, string partName)
    {
        Check.Count(n, nameof(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(xPerSample, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        // The block must fit inside each sample of y, or one sample's copy would spill into the next.
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)offset + xPerSample, yPerSample, $"{nameof(offset)} + {nameof(xPerSample)}");
        Check.Length(wholeLength, (long)n * yPerSample, wholeName);
        Check.Length(partLength, (long)n * xPerSample, partName);
    }
}
