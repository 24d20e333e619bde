using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Shapes (PyTorch nn.Linear layout):
//   x (n, in)   w (out, in)   b (out)   y (n, out)
//   forward   y   = x · wᵀ + b
//   backward  dw += dyᵀ · x,  db += column sums of dy,  dx = dy · w
public static class Dense
{
    /// <summary>y = x·wᵀ + b.</summary>
    public static void Forward<T>(Span<T> y, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, int n, int inputs, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCommon(x, w, n, inputs, outputs);
        Check.Length(y.Length, (long)n * outputs, nameof(y));
        Check.Length(b.Length, outputs, nameof(b));

        for (int s = 0; s < n; s++) b.CopyTo(y.Slice(s * outputs, outputs));
        Gemm.MultiplyTransposed(y, outputs, x, inputs, w, inputs, n, outputs, inputs, accumulate: true);
    }

    /// <summary>dw += dL/dw, db += dL/db; dx = dL/dx unless dx is empty.</summary>
    public static void Backward<T>(Span<T> dx, Span<T> dw, Span<T> db, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ReadOnlySpan<T> w, int n, int inputs, int outputs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCommon(x, w, n, inputs, outputs);
        Check.OptionalLength(dx.Length, (long)n * inputs, nameof(dx));
        Check.Length(dw.Length, (long)outputs * inputs, nameof(dw));
        Check.Length(db.Length, outputs, nameof(db));
        Check.Length(dy.Length, (long)n * outputs, nameof(dy));

        for (int s = 0; s < n; s++) TensorPrimitives.Add(db, dy.Slice(s * outputs, outputs), db);
        // dyᵀ is dy read with swapped strides: element (o, s) at dy[s*outputs + o].
        Gemm.Multiply(dw, inputs, dy, 1, outputs, x, inputs, outputs, inputs, n, accumulate: true);
        if (!dx.IsEmpty)
            Gemm.Multiply(dx, inputs, dy, outputs, 1, w, inputs, n, inputs, outputs, accumulate: false);
    }

    static void CheckCommon<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, int n, int inputs, int outputs)
    {
        Check.Count(n, nameof(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        Check.Length(x.Length, (long)n * inputs, nameof(x));
        Check.Length(w.Length, (long)outputs * inputs, nameof(w));
    }
}
