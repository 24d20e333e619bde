using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Shapes (PyTorch layout and semantics); Patch = Cin*K*K, Pixels = Ho*Wo:
//   x  (n, Cin, H, W)      w (Cout, Cin, K, K) = (Cout, Patch)      b (Cout), or empty: no bias (db likewise)
//   y  (n, Cout, Ho, Wo)   scratch = [col (Patch, Pixels) | dcol (Patch, Pixels)]
// Per sample, as matrices:
//   forward   y_s  = w · col_s + b            col_s = unfold(x_s)
//   backward  dw  += dy_s · col_sᵀ,  db += rowsums(dy_s),  dx_s = fold(wᵀ · dy_s)
// A 1×1, stride-1, unpadded convolution is already a matrix product: col_s is x_s itself and fold is the identity.
public static class Conv2d
{
    /// <summary>y = conv(x, w) + b, or conv(x, w) when b is empty. <paramref name="scratch"/> holds at least g.ScratchLength elements.</summary>
    public static void Forward<T>(Span<T> y, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> scratch, int n, in ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCommon(x, w, scratch, n, g);
        Check.Length(y.Length, (long)n * g.OutSize, nameof(y));
        Check.OptionalLength(b.Length, g.OutChannels, nameof(b));

        int patch = g.Patch, pixels = g.OutHeight * g.OutWidth, inSize = g.InSize, outSize = g.OutSize;
        bool pointwise = IsPointwise(g), bias = !b.IsEmpty;
        Span<T> col = scratch[..(patch * pixels)];
        for (int s = 0; s < n; s++)
        {
            var xs = x.Slice(s * inSize, inSize);
            var ys = y.Slice(s * outSize, outSize);
            if (bias)
                for (int c = 0; c < g.OutChannels; c++) ys.Slice(c * pixels, pixels).Fill(b[c]);
            if (!pointwise) Im2Col.Unfold(col, xs, g);
            Gemm.Multiply(ys, pixels, w, patch, 1, pointwise ? xs : col, pixels, g.OutChannels, pixels, patch, accumulate: bias);
        }
    }

    /// <summary>dw += dL/dw, db += dL/db unless db is empty (no bias); dx = dL/dx unless dx is empty (the first layer needs no input gradient).</summary>
    public static void Backward<T>(Span<T> dx, Span<T> dw, Span<T> db, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> scratch, int n, in ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckCommon(x, w, scratch, n, g);
        Check.OptionalLength(dx.Length, (long)n * g.InSize, nameof(dx));
        Check.Length(dw.Length, (long)g.OutChannels * g.Patch, nameof(dw));
        Check.OptionalLength(db.Length, g.OutChannels, nameof(db));
        Check.Length(dy.Length, (long)n * g.OutSize, nameof(dy));

        int patch = g.Patch, pixels = g.OutHeight * g.OutWidth, inSize = g.InSize, outSize = g.OutSize, cout = g.OutChannels;
        bool pointwise = IsPointwise(g);
        Span<T> col = scratch[..(patch * pixels)];
        Span<T> dcol = scratch.Slice(patch * pixels, patch * pixels);
        for (int s = 0; s < n; s++)
        {
            var xs = x.Slice(s * inSize, inSize);
            var dys = dy.Slice(s * outSize, outSize);
            if (!db.IsEmpty)
                for (int c = 0; c < cout; c++) db[c] += TensorPrimitives.Sum(dys.Slice(c * pixels, pixels));

            if (!pointwise) Im2Col.Unfold(col, xs, g);
            Gemm.MultiplyTransposed(dw, patch, dys, pixels, pointwise ? xs : col, pixels, cout, patch, pixels, accumulate: true);

            if (dx.IsEmpty) continue;
            var dxs = dx.Slice(s * inSize, inSize);
            // wᵀ is w read with swapped strides: element (q, c) at w[c*patch + q].
            Gemm.Multiply(pointwise ? dxs : dcol, pixels, w, 1, patch, dys, pixels, patch, pixels, cout, accumulate: false);
            if (!pointwise) Im2Col.Fold(dxs, dcol, g);
        }
    }

    static bool IsPointwise(in ConvGeometry g) => g.Kernel == 1 && g.Stride == 1 && g.Padding == 0;

    static void CheckCommon<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> scratch, int n, in ConvGeometry g)
    {
        Check.Geometry(g);
        Check.Count(n, nameof(n));
        Check.Length(x.Length, (long)n * g.InSize, nameof(x));
        Check.Length(w.Length, (long)g.OutChannels * g.Patch, nameof(w));
        Check.AtLeast(scratch.Length, g.ScratchLength, nameof(scratch));
    }
}
