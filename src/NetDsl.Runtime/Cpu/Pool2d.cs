using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cpu;

// Shapes: x (n, C, H, W), y (n, C, Ho, Wo); K×K windows at stride S over x padded by P on every side, sizes as
// PoolGeometry (floor or ceil mode). Each window is clipped to x: max pooling never picks the (−∞) padding; average
// pooling divides by the window's extent within the padded input, clipped only at its far edge (H + P, W + P),
// as PyTorch's count_include_pad, or, with CountIncludePad false, by the number of elements of x it holds. Rows and columns no window reaches (floor mode) get zero gradient.
// Overlapping windows (S < K) add their gradients. Max picks the first maximum in row-major window order
// and lets a NaN take over, as PyTorch does; backward re-derives the same choice from x.
// 2×2 stride-2 max pooling on float, by far the most common configuration, has a vectorized path (MaxPool2x2).
public static class Pool2d
{
    /// <summary>y = max over each window of x.</summary>
    public static void MaxForward<T>(Span<T> y, ReadOnlySpan<T> x, int n, in PoolGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(y.Length, x.Length, n, g, nameof(y), nameof(x));
        if (g.WindowsInside && MaxPool2x2.Applies<T>(g)) MaxPool2x2.Forward(Cast<T, float>(y), Cast<T, float>(x), n * g.Channels, g);
        else ForEachWindow(new MaxForwardWindow<T>(y, x, g), n, g);
    }

    /// <summary>dx = dy routed to each window's maximum of x (dx is overwritten).</summary>
    public static void MaxBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, int n, in PoolGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(dy.Length, dx.Length, n, g, nameof(dy), nameof(dx));
        Check.Length(x.Length, (long)n * g.InSize, nameof(x));
        dx.Clear();
        if (g.WindowsInside && MaxPool2x2.Applies<T>(g)) MaxPool2x2.Backward(Cast<T, float>(dx), Cast<T, float>(dy), Cast<T, float>(x), n * g.Channels, g);
        else ForEachWindow(new MaxBackwardWindow<T>(dx, dy, x, g), n, g);
    }

    /// <summary>y = mean over each window of x.</summary>
    public static void AvgForward<T>(Span<T> y, ReadOnlySpan<T> x, int n, in PoolGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(y.Length, x.Length, n, g, nameof(y), nameof(x));
        ForEachWindow(new AvgForwardWindow<T>(y, x, g), n, g);
    }

    /// <summary>dx = dy spread evenly over each window (dx is overwritten). x is not needed; it keeps the signature uniform.</summary>
    public static void AvgBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, int n, in PoolGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(dy.Length, dx.Length, n, g, nameof(dy), nameof(dx));
        Check.Length(x.Length, (long)n * g.InSize, nameof(x));
        dx.Clear();
        ForEachWindow(new AvgBackwardWindow<T>(dx, dy, g), n, g);
    }

    interface IWindow
    {
        /// <summary>
        /// The window whose output is at <paramref name="output"/>: <paramref name="rows"/> × <paramref name="cols"/>
        /// elements of x from <paramref name="origin"/>, its top-left after clipping; <paramref name="area"/> is
        /// average pooling's divisor.
        /// </summary>
        void Visit(int origin, int rows, int cols, int area, int output);
    }

    // NoInlining: see MaxPool2x2; the window's Visit must inline into this loop, not compete for a caller's budget.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void ForEachWindow<TWindow>(TWindow window, int n, in PoolGeometry g) where TWindow : IWindow, allows ref struct
    {
        // Separate loops, each with a single call site, so the JIT inlines Visit into both.
        if (g.WindowsInside) ForEachWholeWindow(window, n, g);
        else ForEachClippedWindow(window, n, g);
    }

    /// <summary>The common case: whole K×K windows stepped by the stride, nothing to clip.</summary>
    static void ForEachWholeWindow<TWindow>(TWindow window, int n, in PoolGeometry g) where TWindow : IWindow, allows ref struct
    {
        int ho = g.OutHeight, wo = g.OutWidth, k = g.Kernel, stride = g.Stride, w = g.Width, planeSize = g.Height * g.Width;
        int output = 0;
        for (int plane = 0; plane < n * g.Channels; plane++)
            for (int oh = 0; oh < ho; oh++)
            {
                int origin = plane * planeSize + oh * stride * w;
                for (int ow = 0; ow < wo; ow++, origin += stride)
                    window.Visit(origin, k, k, k * k, output++);
            }
    }

    static void ForEachClippedWindow<TWindow>(TWindow window, int n, in PoolGeometry g) where TWindow : IWindow, allows ref struct
    {
        int ho = g.OutHeight, wo = g.OutWidth, k = g.Kernel, stride = g.Stride, pad = g.Padding, h = g.Height, w = g.Width, planeSize = h * w;
        bool countPadding = g.CountIncludePad;
        int output = 0;
        for (int plane = 0; plane < n * g.Channels; plane++)
            for (int oh = 0; oh < ho; oh++)
            {
                // Window rows [top, bottom) in x's coordinates, cut at the padded input's far edge for the divisor,
                // then at x itself for the elements read.
                int top = oh * stride - pad, bottom = Math.Min(top + k, h + pad);
                int firstRow = Math.Max(top, 0), rows = Math.Min(bottom, h) - firstRow;
                int rowOrigin = plane * planeSize + firstRow * w;
                for (int ow = 0; ow < wo; ow++)
                {
                    int left = ow * stride - pad, right = Math.Min(left + k, w + pad);
                    int firstCol = Math.Max(left, 0), cols = Math.Min(right, w) - firstCol;
                    window.Visit(rowOrigin + firstCol, rows, cols, countPadding ? (bottom - top) * (right - left) : rows * cols, output++);
                }
            }
    }

    /// <summary>Offset from the window origin of its first maximum; a NaN takes over, as in PyTorch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int ArgMax<T>(ref T origin, int rows, int cols, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Branch-free: the winning position is data-dependent and would mispredict about once per window.
        int best = 0;
        T max = origin;
        for (int kh = 0; kh < rows; kh++)
            for (int kw = 0; kw < cols; kw++)
            {
                int offset = kh * width + kw;
                T v = Unsafe.Add(ref origin, offset);
                int takes = -(int)Unsafe.BitCast<bool, byte>(v > max | T.IsNaN(v));
                best = (best & ~takes) | (offset & takes);
                // max stays equal to the value at best: T.Max propagates NaN, and ±0 ties compare equal either way.
                max = T.Max(max, v);
            }
        return best;
    }

    readonly ref struct MaxForwardWindow<T>(Span<T> y, ReadOnlySpan<T> x, in PoolGeometry g) : IWindow where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly ref T _y = ref MemoryMarshal.GetReference(y);
        readonly ref T _x = ref MemoryMarshal.GetReference(x);
        readonly int _width = g.Width;

        public void Visit(int origin, int rows, int cols, int area, int output)
        {
            ref T window = ref Unsafe.Add(ref _x, origin);
            Unsafe.Add(ref _y, output) = Unsafe.Add(ref window, ArgMax(ref window, rows, cols, _width));
        }
    }

    readonly ref struct MaxBackwardWindow<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, in PoolGeometry g) : IWindow where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly ref T _dx = ref MemoryMarshal.GetReference(dx);
        readonly ref T _dy = ref MemoryMarshal.GetReference(dy);
        readonly ref T _x = ref MemoryMarshal.GetReference(x);
        readonly int _width = g.Width;

        public void Visit(int origin, int rows, int cols, int area, int output) =>
            Unsafe.Add(ref _dx, origin + ArgMax(ref Unsafe.Add(ref _x, origin), rows, cols, _width)) += Unsafe.Add(ref _dy, output);
    }

    readonly ref struct AvgForwardWindow<T>(Span<T> y, ReadOnlySpan<T> x, in PoolGeometry g) : IWindow where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly ref T _y = ref MemoryMarshal.GetReference(y);
        readonly ref T _x = ref MemoryMarshal.GetReference(x);
        readonly int _width = g.Width;
        readonly Divisor<T> _divisor = new(g);

        public void Visit(int origin, int rows, int cols, int area, int output)
        {
            T sum = T.Zero;
            for (int kh = 0; kh < rows; kh++)
                for (int kw = 0; kw < cols; kw++)
                    sum += Unsafe.Add(ref _x, origin + kh * _width + kw);
            Unsafe.Add(ref _y, output) = sum * _divisor.Reciprocal(area);
        }
    }

    readonly ref struct AvgBackwardWindow<T>(Span<T> dx, ReadOnlySpan<T> dy, in PoolGeometry g) : IWindow where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly ref T _dx = ref MemoryMarshal.GetReference(dx);
        readonly ref T _dy = ref MemoryMarshal.GetReference(dy);
        readonly int _width = g.Width;
        readonly Divisor<T> _divisor = new(g);

        public void Visit(int origin, int rows, int cols, int area, int output)
        {
            T share = Unsafe.Add(ref _dy, output) * _divisor.Reciprocal(area);
            for (int kh = 0; kh < rows; kh++)
                for (int kw = 0; kw < cols; kw++)
                    Unsafe.Add(ref _dx, origin + kh * _width + kw) += share;
        }
    }

    /// <summary>1 / area, precomputed for whole windows; only clipped border windows divide.</summary>
    readonly struct Divisor<T>(in PoolGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly int _whole = g.Kernel * g.Kernel;
        readonly T _reciprocal = T.One / T.CreateTruncating(g.Kernel * g.Kernel);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Reciprocal(int area) => area == _whole ? _reciprocal : T.One / T.CreateTruncating(area);
    }

    static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> span) where TFrom : unmanaged where TTo : unmanaged => MemoryMarshal.Cast<TFrom, TTo>(span);
    static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> span) where TFrom : unmanaged where TTo : unmanaged => MemoryMarshal.Cast<TFrom, TTo>(span);

    static void CheckShapes(int outputLength, int inputLength, int n, in PoolGeometry g, string outputName, string inputName)
    {
        Check.Geometry(g);
        Check.Count(n, nameof(n));
        Check.Length(outputLength, (long)n * g.OutSize, outputName);
        Check.Length(inputLength, (long)n * g.InSize, inputName);
    }
}
