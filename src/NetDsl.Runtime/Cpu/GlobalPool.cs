using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Shapes: x (n, C, spatial), y (n, C); one output per plane (sample, channel), spatial = H*W ≥ 1.
//   avg   y = mean of the plane               dx = dy / spatial at every position
//   max   y = the plane's first maximum       dx = dy at that position, 0 elsewhere
// Max follows Pool2d and PyTorch: the first maximum in row-major order, and the first NaN takes over.
public static class GlobalPool
{
    /// <summary>y = mean of each plane of x.</summary>
    public static void AvgForward<T>(Span<T> y, ReadOnlySpan<T> x, int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(y.Length, x.Length, n, channels, spatial, nameof(y), nameof(x));
        T scale = T.One / T.CreateTruncating(spatial);
        for (int p = 0; p < y.Length; p++) y[p] = TensorPrimitives.Sum(x.Slice(p * spatial, spatial)) * scale;
    }

    /// <summary>dx = dy / spatial spread over each plane (dx is overwritten).</summary>
    public static void AvgBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(dy.Length, dx.Length, n, channels, spatial, nameof(dy), nameof(dx));
        T scale = T.One / T.CreateTruncating(spatial);
        for (int p = 0; p < dy.Length; p++) dx.Slice(p * spatial, spatial).Fill(dy[p] * scale);
    }

    /// <summary>y = maximum of each plane of x.</summary>
    public static void MaxForward<T>(Span<T> y, ReadOnlySpan<T> x, int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(y.Length, x.Length, n, channels, spatial, nameof(y), nameof(x));
        for (int p = 0; p < y.Length; p++)
        {
            var plane = x.Slice(p * spatial, spatial);
            y[p] = plane[FirstMax(plane)];
        }
    }

    /// <summary>dx = dy routed to each plane's first maximum of x (dx is overwritten).</summary>
    public static void MaxBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(dy.Length, dx.Length, n, channels, spatial, nameof(dy), nameof(dx));
        Check.Length(x.Length, dx.Length, nameof(x));
        dx.Clear();
        for (int p = 0; p < dy.Length; p++) dx[p * spatial + FirstMax(x.Slice(p * spatial, spatial))] = dy[p];
    }

    /// <summary>Index of the first element equal to the plane's maximum, or of its first NaN.</summary>
    static int FirstMax<T>(ReadOnlySpan<T> plane) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // A vectorized max, then a scan that usually stops early. (IndexOfMax would do it in one pass, but it ranks
        // +0 above −0, where PyTorch's strict > keeps whichever comes first.)
        T max = TensorPrimitives.Max(plane);
        int i = 0;
        while (!(plane[i] == max || T.IsNaN(plane[i]))) i++;
        return i;
    }

    static void CheckShapes(int pooledLength, int planesLength, int n, int channels, int spatial, string pooledName, string planesName)
    {
        Check.Count(n, nameof(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spatial, 1);
        Check.Length(pooledLength, (long)n * channels, pooledName);
        Check.Length(planesLength, (long)n * channels * spatial, planesName);
    }
}
