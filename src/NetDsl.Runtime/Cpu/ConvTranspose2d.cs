using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Shapes (PyTorch layout and semantics):
//   x (n, Cin, H, W)   w (Cin, Cout, K, K)   b (Cout), or empty: no bias (db likewise)   y (n, Cout, Ho, Wo)
// A transposed convolution is the adjoint of the convolution c = g.Adjoint from (Cout, Ho, Wo) to (Cin, H, W) with the
// same weights, so each direction is a direction of Conv2d on c:
//   forward          y  = c's input gradient of x, + b          (fold(wᵀ · x_s) per sample)
//   input gradient   dx = c's forward of dy, without bias
//   weight gradient  dw += c's weight gradient with dy as c's input and x as its output gradient
public static class ConvTranspose2d
{
    /// <summary>y = convtranspose(x, w) + b, or convtranspose(x, w) when b is empty. <paramref name="scratch"/> holds at least g.ScratchLength elements.</summary>
    public static void Forward<T>(Span<T> y, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> scratch, int n, in ConvTransposeGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCommon(x, w, scratch, n, g);
        Check.Length(y.Length, (long)n * g.OutSize, nameof(y));
        Check.OptionalLength(b.Length, g.OutChannels, nameof(b));

        Conv2d.InputGradient(y, x, w, scratch, n, g.Adjoint);
        if (b.IsEmpty) return;
        int pixels = g.OutHeight * g.OutWidth;
        for (int plane = 0; plane < n * g.OutChannels; plane++)
        {
            var ys = y.Slice(plane * pixels, pixels);
            TensorPrimitives.Add(ys, b[plane % g.OutChannels], ys);
        }
    }

    /// <summary>dw += dL/dw, db += dL/db unless db is empty (no bias); dx = dL/dx unless dx is empty (no input gradient needed).</summary>
    public static void Backward<T>(Span<T> dx, Span<T> dw, Span<T> db, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> scratch, int n, in ConvTransposeGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCommon(x, w, scratch, n, g);
        Check.OptionalLength(dx.Length, (long)n * g.InSize, nameof(dx));
        Check.Length(dw.Length, g.WeightLength, nameof(dw));
        Check.OptionalLength(db.Length, g.OutChannels, nameof(db));
        Check.Length(dy.Length, (long)n * g.OutSize, nameof(dy));

        var adjoint = g.Adjoint;
        if (!db.IsEmpty)
        {
            int pixels = g.OutHeight * g.OutWidth;
            for (int plane = 0; plane < n * g.OutChannels; plane++)
                db[plane % g.OutChannels] += TensorPrimitives.Sum(dy.Slice(plane * pixels, pixels));
        }
        Conv2d.Backward(Span<T>.Empty, dw, Span<T>.Empty, x, dy, w, scratch, n, adjoint);
        if (!dx.IsEmpty) Conv2d.Forward(dx, dy, w, ReadOnlySpan<T>.Empty, scratch, n, adjoint);
    }

    static void CheckCommon<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> scratch, int n, in ConvTransposeGeometry g)
    {
        Check.Geometry(g);
        Check.Count(n, nameof(n));
        Check.Length(x.Length, (long)n * g.InSize, nameof(x));
        Check.Length(w.Length, g.WeightLength, nameof(w));
        Check.AtLeast(scratch.Length, g.ScratchLength, nameof(scratch));
    }
}
