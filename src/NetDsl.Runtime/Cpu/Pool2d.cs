using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cpu;

// Shapes: x (n, C, H, W), y (n, C, Ho, Wo); K×K windows at stride S, no padding, floor mode
// (rows and columns past the last whole window are never read and get zero gradient).
// Overlapping windows (S < K) add their gradients. Max picks the first maximum in row-major window order
// and lets a NaN take over, as PyTorch does; backward re-derives the same choice from x.
// 2×2 stride-2 max pooling on float, by far the most common configuration, has a vectorized path (MaxPool2x2).
public static class Pool2d
{
    /// <summary>y = max over each window of x.</summary>
    public static void MaxForward<T>(Span<T> y, ReadOnlySpan<T> x, int n, in PoolGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(y.Length, x.Length, n, g, nameof(y), nameof(x));
        if (MaxPool2x2.Applies<T>(g)) MaxPool2x2.Forward(Cast<T, float>(y), Cast<T, float>(x), n * g.Channels, g);
        else ForEachWindow(new MaxForwardWindow<T>(y, x, g), n, g);
    }

    /// <summary>dx = dy routed to each window's maximum of x (dx is overwritten).</summary>
    public static void MaxBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, int n, in PoolGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(dy.Length, dx.Length, n, g, nameof(dy), nameof(dx));
        Check.Length(x.Length, (long)n * g.InSize, nameof(x));
        dx.Clear();
        if (MaxPool2x2.Applies<T>(g)) MaxPool2x2.Backward(Cast<T, float>(dx), Cast<T, float>(dy), Cast<T, float>(x), n * g.Channels, g);
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
        /// <summary>The window whose top-left input element is at <paramref name="origin"/> and whose output is at <paramref name="output"/>.</summary>
        void Visit(int origin, int output);
    }

    // NoInlining: see MaxPool2x2; the window's Visit must inline into this loop, not compete for a caller's budget.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void ForEachWindow<TWindow>(TWindow window, int n, in PoolGeometry g) where TWindow : IWindow, allows ref struct
    {
        int ho = g.OutHeight, wo = g.OutWidth, stride = g.Stride, w = g.Width, planeSize = g.Height * g.Width;
        int output = 0;
        for (int plane = 0; plane < n * g.Channels; plane++)
            for (int oh = 0; oh < ho; oh++)
            {
                int origin = plane * planeSize + oh * stride * w;
                for (int ow = 0; ow < wo; ow++, origin += stride)
                    window.Visit(origin, output++);
            }
    }

    /// <summary>Offset from the window origin of its first maximum; a NaN takes over, as in PyTorch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int ArgMax<T>(ref T origin, int kernel, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Branch-free: the winning position is data-dependent and would mispredict about once per window.
        int best = 0;
        T max = origin;
        for (int kh = 0; kh < kernel; kh++)
            for (int kw = 0; kw < kernel; kw++)
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
        readonly int _kernel = g.Kernel, _width = g.Width;

        public void Visit(int origin, int output)
        {
            ref T window = ref Unsafe.Add(ref _x, origin);
            Unsafe.Add(ref _y, output) = Unsafe.Add(ref window, ArgMax(ref window, _kernel, _width));
        }
    }

    readonly ref struct MaxBackwardWindow<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, in PoolGeometry g) : IWindow where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly ref T _dx = ref MemoryMarshal.GetReference(dx);
        readonly ref T _dy = ref MemoryMarshal.GetReference(dy);
        readonly ref T _x = ref MemoryMarshal.GetReference(x);
        readonly int _kernel = g.Kernel, _width = g.Width;

        public void Visit(int origin, int output) =>
            Unsafe.Add(ref _dx, origin + ArgMax(ref Unsafe.Add(ref _x, origin), _kernel, _width)) += Unsafe.Add(ref _dy, output);
    }

    readonly ref struct AvgForwardWindow<T>(Span<T> y, ReadOnlySpan<T> x, in PoolGeometry g) : IWindow where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly ref T _y = ref MemoryMarshal.GetReference(y);
        readonly ref T _x = ref MemoryMarshal.GetReference(x);
        readonly int _kernel = g.Kernel, _width = g.Width;
        readonly T _scale = T.One / T.CreateTruncating(g.Kernel * g.Kernel);

        public void Visit(int origin, int output)
        {
            T sum = T.Zero;
            for (int kh = 0; kh < _kernel; kh++)
                for (int kw = 0; kw < _kernel; kw++)
                    sum += Unsafe.Add(ref _x, origin + kh * _width + kw);
            Unsafe.Add(ref _y, output) = sum * _scale;
        }
    }

    readonly ref struct AvgBackwardWindow<T>(Span<T> dx, ReadOnlySpan<T> dy, in PoolGeometry g) : IWindow where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly ref T _dx = ref MemoryMarshal.GetReference(dx);
        readonly ref T _dy = ref MemoryMarshal.GetReference(dy);
        readonly int _kernel = g.Kernel, _width = g.Width;
        readonly T _scale = T.One / T.CreateTruncating(g.Kernel * g.Kernel);

        public void Visit(int origin, int output)
        {
            T share = Unsafe.Add(ref _dy, output) * _scale;
            for (int kh = 0; kh < _kernel; kh++)
                for (int kw = 0; kw < _kernel; kw++)
                    Unsafe.Add(ref _dx, origin + kh * _width + kw) += share;
        }
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
