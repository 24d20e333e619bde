using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Shapes: x (n, C, H, W), y (n, C, H·SH, W·SW): PyTorch's nn.Upsample with integer scale factors.
// Nearest: output o reads input ⌊o / S⌋ on each axis.
// Bilinear with align_corners=False: output o sits at source coordinate (o + ½)/S − ½, clamped at 0 (PyTorch's
// area_pixel_compute_source_index); it blends the input below (weight 1 − λ) with the next one (weight λ), the last
// input standing in for the one past the edge. The axes are independent: an output is a 2×2 block of inputs weighted
// by row weight × column weight.
// Backward sums each output's gradient into the inputs it read, with the same weights; dx is overwritten.
public static class Upsample
{
    /// <summary>y = x with every element repeated SH × SW times.</summary>
    public static void NearestForward<T>(Span<T> y, ReadOnlySpan<T> x, int n, in UpsampleGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(y.Length, x.Length, n, g, nameof(y), nameof(x));
        int w = g.Width, wo = g.OutWidth, sw = g.ScaleWidth;
        for (int row = 0; row < n * g.Channels * g.Height; row++)
        {
            var xs = x.Slice(row * w, w);
            var first = y.Slice(row * g.ScaleHeight * wo, wo);
            for (int ow = 0; ow < wo; ow++) first[ow] = xs[ow / sw];
            // The other output rows of this input row are copies of the first.
            for (int a = 1; a < g.ScaleHeight; a++) first.CopyTo(y.Slice((row * g.ScaleHeight + a) * wo, wo));
        }
    }

    /// <summary>dx = the sum of dy over each element's SH × SW block (dx is overwritten).</summary>
    public static void NearestBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, int n, in UpsampleGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(dy.Length, dx.Length, n, g, nameof(dy), nameof(dx));
        int w = g.Width, wo = g.OutWidth, sw = g.ScaleWidth;
        for (int row = 0; row < n * g.Channels * g.Height; row++)
        {
            var dxs = dx.Slice(row * w, w);
            for (int iw = 0; iw < w; iw++)
            {
                T sum = T.Zero;
                for (int a = 0; a < g.ScaleHeight; a++)
                    sum += TensorPrimitives.Sum(dy.Slice((row * g.ScaleHeight + a) * wo + iw * sw, sw));
                dxs[iw] = sum;
            }
        }
    }

    /// <summary>y = bilinear interpolation of x (align_corners=False).</summary>
    public static void BilinearForward<T>(Span<T> y, ReadOnlySpan<T> x, int n, in UpsampleGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(y.Length, x.Length, n, g, nameof(y), nameof(x));
        int h = g.Height, w = g.Width, ho = g.OutHeight, wo = g.OutWidth;
        for (int plane = 0; plane < n * g.Channels; plane++)
        {
            var xs = x.Slice(plane * h * w, h * w);
            for (int oh = 0; oh < ho; oh++)
            {
                var th = LinearTap<T>.At(oh, g.ScaleHeight, h);
                ReadOnlySpan<T> low = xs.Slice(th.Low * w, w), high = xs.Slice(th.High * w, w);
                var ys = y.Slice((plane * ho + oh) * wo, wo);
                for (int ow = 0; ow < wo; ow++)
                {
                    var tw = LinearTap<T>.At(ow, g.ScaleWidth, w);
                    ys[ow] = th.LowWeight * (tw.LowWeight * low[tw.Low] + tw.HighWeight * low[tw.High])
                        + th.HighWeight * (tw.LowWeight * high[tw.Low] + tw.HighWeight * high[tw.High]);
                }
            }
        }
    }

    /// <summary>dx = Σ over the outputs that read each element of dy × that output's weight on it (dx is overwritten).</summary>
    public static void BilinearBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, int n, in UpsampleGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(dy.Length, dx.Length, n, g, nameof(dy), nameof(dx));
        int h = g.Height, w = g.Width, ho = g.OutHeight, wo = g.OutWidth;
        dx.Clear();
        for (int plane = 0; plane < n * g.Channels; plane++)
        {
            var dxs = dx.Slice(plane * h * w, h * w);
            for (int oh = 0; oh < ho; oh++)
            {
                var th = LinearTap<T>.At(oh, g.ScaleHeight, h);
                Span<T> low = dxs.Slice(th.Low * w, w), high = dxs.Slice(th.High * w, w);
                var dys = dy.Slice((plane * ho + oh) * wo, wo);
                for (int ow = 0; ow < wo; ow++)
                {
                    var tw = LinearTap<T>.At(ow, g.ScaleWidth, w);
                    T upper = th.LowWeight * dys[ow], lower = th.HighWeight * dys[ow];
                    low[tw.Low] += tw.LowWeight * upper;
                    low[tw.High] += tw.HighWeight * upper;
                    high[tw.Low] += tw.LowWeight * lower;
                    high[tw.High] += tw.HighWeight * lower;
                }
            }
        }
    }

    /// <summary>
    /// Where bilinear output o reads along one axis of <c>size</c> inputs: Low with weight 1 − λ and
    /// High = min(Low + 1, size − 1) with weight λ.
    /// </summary>
    readonly record struct LinearTap<T>(int Low, int High, T LowWeight, T HighWeight) where T : IFloatingPointIeee754<T>
    {
        // The source coordinate (o + ½)/S − ½ is (2o + 1 − S) / 2S: its floor and fraction come exactly from integers.
        public static LinearTap<T> At(int o, int scale, int size)
        {
            int twice = 2 * scale, source = Math.Max(0, 2 * o + 1 - scale), low = source / twice, rest = source - low * twice;
            T denominator = T.CreateTruncating(twice);
            return new(low, Math.Min(low + 1, size - 1), T.CreateTruncating(twice - rest) / denominator, T.CreateTruncating(rest) / denominator);
        }
    }

    static void CheckShapes(int outputs, int inputs, int n, in UpsampleGeometry g, string outputName, string inputName)
    {
        Check.Geometry(g);
        Check.Count(n, nameof(n));
        Check.Length(outputs, (long)n * g.OutSize, outputName);
        Check.Length(inputs, (long)n * g.InSize, inputName);
    }
}
