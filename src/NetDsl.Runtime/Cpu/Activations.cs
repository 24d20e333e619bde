using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cpu;

// Shapes: every span holds the same number of elements (any layout). Forward may run in place (y aliasing x);
// backward may too (dx aliasing dy). Backward takes the layer's OUTPUT y, from which each derivative follows:
//   relu'    = [y > 0]     tanh' = 1 - y²     sigmoid' = y (1 - y)
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

    /// <summary>dx = dy · f'(x), with f' written in terms of y = f(x); one vector loop serves every activation.</summary>
    // NoInlining keeps TGradient.Apply inlined here: merged into a large caller, the JIT may run out of inlining
    // budget and turn it into a call that passes vectors through memory.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Backward<T, TGradient>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> where TGradient : IGradient<T>
    {
        Check.Length(dy.Length, y.Length, nameof(dy));
        Check.Length(dx.Length, y.Length, nameof(dx));
        ref T gx = ref MemoryMarshal.GetReference(dx);
        ref T gy = ref MemoryMarshal.GetReference(dy);
        ref T out0 = ref MemoryMarshal.GetReference(y);
        int length = y.Length, width = Vector<T>.Count, i = 0;
        for (; i <= length - width; i += width)
            TGradient.Apply(Vector.LoadUnsafe(ref gy, (nuint)i), Vector.LoadUnsafe(ref out0, (nuint)i)).StoreUnsafe(ref gx, (nuint)i);
        // The tail reuses the vector formula on broadcast scalars, so every element follows the same arithmetic.
        for (; i < length; i++)
            dx[i] = TGradient.Apply(new Vector<T>(dy[i]), new Vector<T>(y[i]))[0];
    }

    interface IGradient<T>
    {
        /// <summary>dL/dx from dL/dy and the activation's output y.</summary>
        static abstract Vector<T> Apply(Vector<T> dy, Vector<T> y);
    }

    // Selects rather than multiplies by 0/1, so an infinite dy behind a dead unit gives 0, not NaN (as in PyTorch).
    struct ReluGradient<T> : IGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Apply(Vector<T> dy, Vector<T> y) => Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<T>.Zero), dy, Vector<T>.Zero);
    }

    struct TanhGradient<T> : IGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Apply(Vector<T> dy, Vector<T> y) => dy * (Vector<T>.One - y * y);
    }

    struct SigmoidGradient<T> : IGradient<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Apply(Vector<T> dy, Vector<T> y) => dy * y * (Vector<T>.One - y);
    }
}
