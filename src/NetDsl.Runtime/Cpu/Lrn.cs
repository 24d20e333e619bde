using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cpu;

// Shapes: x, y, dy, dx (n, C, spatial). Local response normalization across channels, as PyTorch's
// local_response_norm (zero padding: the window is clipped to the channels that exist):
//   d_c  = k + alpha/size · Σ_{c' ∈ W(c)} x_{c'}²          W(c) = [c − size/2, c + (size − 1)/2]
//   y_c  = x_c · d_c^(−beta)
//   dx_j = dy_j · d_j^(−beta) − (2·alpha·beta/size) · x_j · Σ_{c : j ∈ W(c)} dy_c · y_c / d_c
// The backward sum runs over c ∈ [j − (size − 1)/2, j + size/2]: W mirrored, which differs from W for even sizes.
// Both directions work on blocks of Vector<T>.Count positions at a time (one vector per channel); a plane shorter
// than a vector goes position by position through the same code on broadcast scalars. Backward sweeps the channels
// of one block keeping dy·y/d and d^(−beta) of the channels still in reach in small rings, so each is computed once.
// d^(−beta) dominates the cost; the usual beta = 0.75 gets it from two square roots instead of exp and log.
// Neither direction may run in place: every output reads its neighbours' inputs.
public static class Lrn
{
    /// <summary>Most channels a window may cover (min(size, C)): backward's rings live on the stack.</summary>
    public const int MaxWindow = 128;

    /// <summary>y = x / (k + alpha/size · Σ x²)^beta over each channel window.</summary>
    public static void Forward<T>(Span<T> y, ReadOnlySpan<T> x, int n, int channels, int spatial, int size, double alpha, double beta, double k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(y.Length, x.Length, n, channels, spatial, size, nameof(y), nameof(x));
        var p = new Parameters<T>(channels, spatial, size, alpha, beta, k);
        int sample = channels * spatial;
        // Channel by channel: each output plane streams the few input planes of its window.
        for (int s = 0; s < n; s++)
            for (int c = 0; c < channels; c++)
                ForEachBlock<T, ForwardBlock<T>>(new ForwardBlock<T>(y.Slice(s * sample, sample), x.Slice(s * sample, sample), c, p), spatial);
    }

    /// <summary>dx = dL/dx given dy = dL/dy and the forward pass's x and y (dx is overwritten).</summary>
    public static void Backward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ReadOnlySpan<T> y, int n, int channels, int spatial,
        int size, double alpha, double beta, double k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(dx.Length, x.Length, n, channels, spatial, size, nameof(dx), nameof(x));
        Check.Length(dy.Length, x.Length, nameof(dy));
        Check.Length(y.Length, x.Length, nameof(y));
        var p = new Parameters<T>(channels, spatial, size, alpha, beta, k);
        // Ring slots are channel & mask: a power of two holding every channel within reach of one output.
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Min(size, channels));
        Span<Vector<T>> rings = stackalloc Vector<T>[2 * capacity];
        int sample = channels * spatial;
        for (int s = 0; s < n; s++)
        {
            var range = new Range(s * sample, (s + 1) * sample);
            ForEachBlock<T, BackwardBlock<T>>(new BackwardBlock<T>(dx[range], dy[range], x[range], y[range], rings, capacity - 1, p), spatial);
        }
    }

    readonly struct Parameters<T>(int channels, int spatial, int size, double alpha, double beta, double k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly int Channels = channels, Spatial = spatial, Before = size / 2, After = (size - 1) / 2;
        public readonly T K = T.CreateTruncating(k), Scale = T.CreateTruncating(alpha / size), Exponent = T.CreateTruncating(-beta);
        public readonly T Coefficient = T.CreateTruncating(2 * alpha * beta / size);
        readonly bool _threeQuarters = beta == 0.75;

        /// <summary>
        /// d^(−beta), lane-wise (d > 0). beta = 0.75 (AlexNet, GoogLeNet, PyTorch's default) takes two square roots,
        /// 1/(√d·√√d): four correctly rounded operations, several times faster than exp(−beta·log d).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Power(Vector<T> d)
        {
            if (_threeQuarters)
            {
                var root = Vector.SquareRoot(d);
                return Vector<T>.One / (root * Vector.SquareRoot(root));
            }
            return Pow(d, Exponent);
        }
    }

    /// <summary>d_c at the block whose channel-0 element is <paramref name="column"/>: k + alpha/size · Σ x² over W(c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<T> Denominator<T, TLanes>(ref T column, int c, in Parameters<T> p) where T : unmanaged, IFloatingPointIeee754<T> where TLanes : ILanes<T>
    {
        int last = Math.Min(p.Channels - 1, c + p.After);
        var sum = Vector<T>.Zero;
        for (int i = Math.Max(0, c - p.Before); i <= last; i++)
        {
            var v = TLanes.Load(ref Unsafe.Add(ref column, i * p.Spatial));
            sum += v * v;
        }
        return new Vector<T>(p.K) + new Vector<T>(p.Scale) * sum;
    }

    /// <summary>v^e = exp(e·log v), lane-wise (v > 0).</summary>
    static Vector<T> Pow<T>(Vector<T> v, T e) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Vector.Exp(Vector.Log(v.As<T, float>()) * float.CreateTruncating(e)).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.Exp(Vector.Log(v.As<T, double>()) * double.CreateTruncating(e)).As<double, T>();
        return LaneByLane(v, e);

        static Vector<T> LaneByLane(Vector<T> v, T e)
        {
            Span<T> lanes = stackalloc T[Vector<T>.Count];
            v.CopyTo(lanes);
            foreach (ref T lane in lanes) lane = T.Pow(lane, e);
            return new Vector<T>(lanes);
        }
    }

    readonly ref struct ForwardBlock<T>(Span<T> y, ReadOnlySpan<T> x, int c, in Parameters<T> p) : IBlock<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly ref T _y = ref MemoryMarshal.GetReference(y);
        readonly ref T _x = ref MemoryMarshal.GetReference(x);
        readonly int _c = c;
        readonly Parameters<T> _p = p;

        public void Run<TLanes>(int position) where TLanes : ILanes<T>
        {
            ref T column = ref Unsafe.Add(ref _x, position);
            int at = _c * _p.Spatial + position;
            var d = Denominator<T, TLanes>(ref column, _c, _p);
            TLanes.Store(TLanes.Load(ref Unsafe.Add(ref _x, at)) * _p.Power(d), ref Unsafe.Add(ref _y, at));
        }
    }

    readonly ref struct BackwardBlock<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<Vector<T>> rings, int mask,
        in Parameters<T> p) : IBlock<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly ref T _dx = ref MemoryMarshal.GetReference(dx);
        readonly ref T _dy = ref MemoryMarshal.GetReference(dy);
        readonly ref T _x = ref MemoryMarshal.GetReference(x);
        readonly ref T _y = ref MemoryMarshal.GetReference(y);
        // ratios[c & mask] = dy_c · y_c / d_c, powers[c & mask] = d_c^(−beta)
        readonly Span<Vector<T>> _ratios = rings[..(mask + 1)], _powers = rings[(mask + 1)..];
        readonly int _mask = mask;
        readonly Parameters<T> _p = p;

        public void Run<TLanes>(int position) where TLanes : ILanes<T>
        {
            ref T x = ref Unsafe.Add(ref _x, position);
            ref T y = ref Unsafe.Add(ref _y, position);
            ref T dy = ref Unsafe.Add(ref _dy, position);
            ref T dx = ref Unsafe.Add(ref _dx, position);
            int channels = _p.Channels, spatial = _p.Spatial, next = 0;
            var coefficient = new Vector<T>(_p.Coefficient);
            for (int j = 0; j < channels; j++)
            {
                int first = Math.Max(0, j - _p.After), last = Math.Min(channels - 1, j + _p.Before);
                // Bring in the channels that just came within reach of j.
                for (; next <= last; next++)
                {
                    var d = Denominator<T, TLanes>(ref x, next, _p);
                    _powers[next & _mask] = _p.Power(d);
                    _ratios[next & _mask] = TLanes.Load(ref Unsafe.Add(ref dy, next * spatial)) * TLanes.Load(ref Unsafe.Add(ref y, next * spatial)) / d;
                }
                var sum = Vector<T>.Zero;
                for (int c = first; c <= last; c++) sum += _ratios[c & _mask];
                int at = j * spatial;
                var gradient = TLanes.Load(ref Unsafe.Add(ref dy, at)) * _powers[j & _mask] - coefficient * TLanes.Load(ref Unsafe.Add(ref x, at)) * sum;
                TLanes.Store(gradient, ref Unsafe.Add(ref dx, at));
            }
        }
    }

    interface IBlock<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Computes the outputs of every channel (or one) at TLanes' positions from <paramref name="position"/> on.</summary>
        void Run<TLanes>(int position) where TLanes : ILanes<T>;
    }

    /// <summary>Visits all positions of a plane: whole vectors, the last moved back to end at the plane's end (recomputing a few).</summary>
    static void ForEachBlock<T, TBlock>(TBlock block, int spatial) where T : unmanaged, IFloatingPointIeee754<T> where TBlock : IBlock<T>, allows ref struct
    {
        int width = Vector<T>.Count;
        if (spatial >= width)
            for (int position = 0; position < spatial; position += width) block.Run<Wide<T>>(Math.Min(position, spatial - width));
        else
            for (int position = 0; position < spatial; position++) block.Run<Single<T>>(position);
    }

    interface ILanes<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        static abstract Vector<T> Load(ref T at);
        static abstract void Store(Vector<T> value, ref T at);
    }

    /// <summary>A whole vector of consecutive positions.</summary>
    struct Wide<T> : ILanes<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Load(ref T at) => Vector.LoadUnsafe(ref at);
        public static void Store(Vector<T> value, ref T at) => value.StoreUnsafe(ref at);
    }

    /// <summary>One position, broadcast to every lane, so short planes follow the same arithmetic.</summary>
    struct Single<T> : ILanes<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Load(ref T at) => new(at);
        public static void Store(Vector<T> value, ref T at) => at = value[0];
    }

    static void CheckShapes(int outputLength, int inputLength, int n, int channels, int spatial, int size, string outputName, string inputName)
    {
        Check.Count(n, nameof(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spatial, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (Math.Min(size, channels) > MaxWindow)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"Windows may cover at most {MaxWindow} channels (here {Math.Min(size, channels)}).");
        Check.Length(inputLength, (long)n * channels * spatial, inputName);
        Check.Length(outputLength, inputLength, outputName);
    }
}
