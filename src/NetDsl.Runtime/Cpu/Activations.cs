using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cpu;

// Shapes: every span holds the same number of elements (any layout). Forward may run in place (y aliasing x);
// backward may too (dx aliasing dy). Backward takes the layer's OUTPUT y, from which each derivative follows:
//   relu'    = [y > 0]     tanh' = 1 - y²     sigmoid' = y (1 - y)
//   leaky'   = [y > 0] + slope·[y ≤ 0]        elu' = [y > 0] + (y + alpha)·[y ≤ 0]
// (slope ≥ 0 and alpha > 0 keep y > 0 exactly where x > 0), except GELU's, Φ(x) + x·φ(x), which needs the input x.
public static class Activations
{
    /// <summary>y = max(x, 0).</summary>
    public static void ReluForward<T>(Span<T> y, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y.Length, x.Length, nameof(y));
        TensorPrimitives.Max(x, T.Zero, y);
    }

    /// <summary>dx = dy where y > 0, else 0.</summary>
    public static void ReluBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Backward<T, ReluGradient<T>>(dx, dy, y);

    /// <summary>y = tanh(x).</summary>
    public static void TanhForward<T>(Span<T> y, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y.Length, x.Length, nameof(y));
        TensorPrimitives.Tanh(x, y);
    }

    /// <summary>dx = dy · (1 - y²).</summary>
    public static void TanhBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Backward<T, TanhGradient<T>>(dx, dy, y);

    /// <summary>y = 1 / (1 + e^-x).</summary>
    public static void SigmoidForward<T>(Span<T> y, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y.Length, x.Length, nameof(y));
        if (!x.IsEmpty) TensorPrimitives.Sigmoid(x, y); // which, unlike its siblings, rejects empty spans
    }

    /// <summary>dx = dy · y · (1 - y).</summary>
    public static void SigmoidBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        Backward<T, SigmoidGradient<T>>(dx, dy, y);

    /// <summary>y = x where x > 0, else slope · x (PyTorch's LeakyReLU; slope ≥ 0).</summary>
    public static void LeakyReluForward<T>(Span<T> y, ReadOnlySpan<T> x, T slope) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSlope(slope);
        Map(y, x, new LeakyReluFunction<T>(slope));
    }

    /// <summary>dx = dy where y > 0, else slope · dy.</summary>
    public static void LeakyReluBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> y, T slope) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSlope(slope);
        Backward(dx, dy, y, new LeakyReluGradient<T>(slope));
    }

    /// <summary>y = x where x > 0, else alpha · (eˣ − 1) (PyTorch's ELU; alpha > 0).</summary>
    public static void EluForward<T>(Span<T> y, ReadOnlySpan<T> x, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckAlpha(alpha);
        Check.Length(y.Length, x.Length, nameof(y));
        // Scalar: Vector<T> has no exponential. exp(x) − 1 as CUDA's Elu computes it (no expm1 there either).
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            y[i] = v > T.Zero ? v : alpha * (T.Exp(v) - T.One);
        }
    }

    /// <summary>dx = dy where y > 0, else dy · (y + alpha).</summary>
    public static void EluBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> y, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckAlpha(alpha);
        Backward(dx, dy, y, new EluGradient<T>(alpha));
    }

    /// <summary>y = x · Φ(x), Φ the standard normal CDF computed through erf (PyTorch's exact GELU, approximate='none').</summary>
    public static void GeluForward<T>(Span<T> y, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(y.Length, x.Length, nameof(y));
        for (int i = 0; i < x.Length; i++)
        {
            double v = double.CreateTruncating(x[i]);
            y[i] = T.CreateTruncating(v * NormalCdf(v));
        }
    }

    /// <summary>dx = dy · (Φ(x) + x · φ(x)), from the layer's INPUT x (GELU's derivative cannot be written in terms of y).</summary>
    public static void GeluBackward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(dy.Length, x.Length, nameof(dy));
        Check.Length(dx.Length, x.Length, nameof(dx));
        for (int i = 0; i < x.Length; i++)
        {
            double v = double.CreateTruncating(x[i]);
            dx[i] = dy[i] * T.CreateTruncating(NormalCdf(v) + v * InverseSqrt2Pi * Math.Exp(-0.5 * v * v));
        }
    }

    const double InverseSqrt2 = 0.70710678118654752440, InverseSqrt2Pi = 0.39894228040143267794;

    // Φ(x) = (1 + erf(x/√2)) / 2, in double for both T: rounded to float it is correct to the last bit or so.
    static double NormalCdf(double x) => 0.5 * (1 + Erf.Of(x * InverseSqrt2));

    static void CheckSlope<T>(T slope) where T : IFloatingPointIeee754<T>
    {
        // A negative slope would make y > 0 for x < 0, and backward, which reads y, would take the wrong branch.
        if (!(slope >= T.Zero)) throw new ArgumentOutOfRangeException(nameof(slope), slope, "LeakyReLU's slope must be ≥ 0.");
    }

    static void CheckAlpha<T>(T alpha) where T : IFloatingPointIeee754<T>
    {
        if (!(alpha > T.Zero)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "ELU's alpha must be > 0.");
    }

    /// <summary>y = f(x) by one vector loop, the tail on broadcast scalars so every element follows the same arithmetic.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Map<T, TFunction>(Span<T> y, ReadOnlySpan<T> x, TFunction function)
        where T : unmanaged, IFloatingPointIeee754<T> where TFunction : IFunction<T>
    {
        Check.Length(y.Length, x.Length, nameof(y));
        ref T input = ref MemoryMarshal.GetReference(x);
        ref T output = ref MemoryMarshal.GetReference(y);
        int length = x.Length, width = Vector<T>.Count, i = 0;
        for (; i <= length - width; i += width)
            function.Apply(Vector.LoadUnsafe(ref input, (nuint)i)).StoreUnsafe(ref output, (nuint)i);
        for (; i < length; i++)
            y[i] = function.Apply(new Vector<T>(x[i]))[0];
    }

    /// <summary>dx = dy · f'(x), with f' written in terms of y = f(x); one vector loop serves every activation.</summary>
    // NoInlining keeps gradient.Apply inlined here: merged into a large caller, the JIT may run out of inlining
    // budget and turn it into a call that passes vectors through memory.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Backward<T, TGradient>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> y, TGradient gradient = default)
        where T : unmanaged, IFloatingPointIeee754<T> where TGradient : struct, IGradient<T>
    {
        Check.Length(dy.Length, y.Length, nameof(dy));
        Check.Length(dx.Length, y.Length, nameof(dx));
        ref T gx = ref MemoryMarshal.GetReference(dx);
        ref T gy = ref MemoryMarshal.GetReference(dy);
        ref T out0 = ref MemoryMarshal.GetReference(y);
        int length = y.Length, width = Vector<T>.Count, i = 0;
        for (; i <= length - width; i += width)
            gradient.Apply(Vector.LoadUnsafe(ref gy, (nuint)i), Vector.LoadUnsafe(ref out0, (nuint)i)).StoreUnsafe(ref gx, (nuint)i);
        // The tail reuses the vector formula on broadcast scalars, so every element follows the same arithmetic.
        for (; i < length; i++)
            dx[i] = gradient.Apply(new Vector<T>(dy[i]), new Vector<T>(y[i]))[0];
    }

    // Instance methods on structs: a parameter (slope, alpha) travels in the struct, and the JIT still specializes
    // and inlines per struct type.
    interface IFunction<T>
    {
        Vector<T> Apply(Vector<T> x);
    }

    interface IGradient<T>
    {
        /// <summary>dL/dx from dL/dy and the activation's output y.</summary>
        Vector<T> Apply(Vector<T> dy, Vector<T> y);
    }

    // Selects rather than multiplies by 0/1, so an infinite dy behind a dead unit gives 0, not NaN (as in PyTorch).
    struct ReluGradient<T> : IGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly Vector<T> Apply(Vector<T> dy, Vector<T> y) => Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<T>.Zero), dy, Vector<T>.Zero);
    }

    struct TanhGradient<T> : IGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly Vector<T> Apply(Vector<T> dy, Vector<T> y) => dy * (Vector<T>.One - y * y);
    }

    struct SigmoidGradient<T> : IGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly Vector<T> Apply(Vector<T> dy, Vector<T> y) => dy * y * (Vector<T>.One - y);
    }

    readonly struct LeakyReluFunction<T>(T slope) : IFunction<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly Vector<T> _slope = new(slope);
        public Vector<T> Apply(Vector<T> x) => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, x * _slope);
    }

    readonly struct LeakyReluGradient<T>(T slope) : IGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly Vector<T> _slope = new(slope);
        public Vector<T> Apply(Vector<T> dy, Vector<T> y) => Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<T>.Zero), dy, dy * _slope);
    }

    readonly struct EluGradient<T>(T alpha) : IGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly Vector<T> _alpha = new(alpha);
        public Vector<T> Apply(Vector<T> dy, Vector<T> y) => Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<T>.Zero), dy, dy * (y + _alpha));
    }
}
