using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Shapes (PyTorch layout and semantics); Patch = Cin*K*K, Pixels = Ho*Wo:
//   x  (n, Cin, H, W)      w (Cout, Cin, K, K) = (Cout, Patch)      b (Cout), or empty: no bias (db likewise)
//   y  (n, Cout, Ho, Wo)   scratch = [col (Patch, Pixels) | spare (Patch, Pixels)]
// Per sample, as matrices:
//   forward   y_s  = w · col_s + b            col_s = unfold(x_s)
//   backward  dw  += dy_s · col_sᵀ,  db += rowsums(dy_s),  dx_s = fold(dcol_s),  dcol_s = wᵀ · dy_s
// spare holds dcol_s, or (weights pass) dwᵀ and dy_sᵀ for the outer-product form of dw.
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
        Span<T> spare = scratch.Slice(patch * pixels, patch * pixels);

        // Parameter gradients. dw = Σ dy_s · col_sᵀ contracts over pixels, the contiguous axis of both operands.
        // As dot products every weight pays a horizontal sum per sample, which is cheap only when pixels are many.
        // Otherwise transpose dy_s (small) and run outer products into dwᵀ, kept in the spare half of scratch.
        bool outer = WeightGradientByOuterProducts<T>(g, pixels);
        Span<T> dwT = outer ? spare[..(patch * cout)] : default;
        Span<T> dyT = outer ? spare.Slice(patch * cout, pixels * cout) : default;
        dwT.Clear();
        for (int s = 0; s < n; s++)
        {
            var xs = x.Slice(s * inSize, inSize);
            var dys = dy.Slice(s * outSize, outSize);
            if (!db.IsEmpty)
                for (int c = 0; c < cout; c++) db[c] += TensorPrimitives.Sum(dys.Slice(c * pixels, pixels));
            if (!pointwise) Im2Col.Unfold(col, xs, g);
            ReadOnlySpan<T> cols = pointwise ? xs : col;
            if (outer)
            {
                Transpose(dys, cout, pixels, dyT);
                Gemm.Multiply(dwT, cout, cols, pixels, 1, dyT, cout, patch, cout, pixels, accumulate: true);
            }
            else
            {
                Gemm.MultiplyTransposed(dw, patch, dys, pixels, cols, pixels, cout, patch, pixels, accumulate: true);
            }
        }
        if (outer) AddTransposed(dwT, patch, cout, dw);

        // Input gradient, a second pass so the spare half of scratch is free for dcol.
        if (!dx.IsEmpty) InputGradient(dx, dy, w, spare, n, g);
    }

    /// <summary>
    /// dx_s = fold(wᵀ · dy_s) for every sample, overwriting dx: the input gradient, and also the forward pass of the
    /// transposed convolution (ConvTranspose2d), which is this map. <paramref name="dcol"/> holds Patch × Pixels elements.
    /// </summary>
    internal static void InputGradient<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dcol, int n, in ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int patch = g.Patch, pixels = g.OutHeight * g.OutWidth, inSize = g.InSize, outSize = g.OutSize;
        bool pointwise = IsPointwise(g);
        for (int s = 0; s < n; s++)
        {
            var dys = dy.Slice(s * outSize, outSize);
            var dxs = dx.Slice(s * inSize, inSize);
            // wᵀ is w read with swapped strides: element (q, c) at w[c*patch + q].
            Gemm.Multiply(pointwise ? dxs : dcol, pixels, w, 1, patch, dys, pixels, patch, pixels, g.OutChannels, accumulate: false);
            if (!pointwise) Im2Col.Fold(dxs, dcol, g);
        }
    }

    /// <summary>
    /// Outer products need dwᵀ (Patch, Cout) and dy_sᵀ (Pixels, Cout) to fit in the spare half of scratch, and at
    /// least a vector of output channels so their tiles aren't mostly padding.
    /// </summary>
    static bool WeightGradientByOuterProducts<T>(in ConvGeometry g, int pixels) =>
        g.OutChannels >= Vector<T>.Count && (long)g.OutChannels * (g.Patch + pixels) <= (long)g.Patch * pixels;

    /// <summary>target (cols, rows) = sourceᵀ. Shapes: source (rows, cols).</summary>
    static void Transpose<T>(ReadOnlySpan<T> source, int rows, int cols, Span<T> target)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = source.Slice(i * cols, cols);
            for (int j = 0; j < row.Length; j++) target[j * rows + i] = row[j];
        }
    }

    /// <summary>target (cols, rows) += sourceᵀ. Shapes: source (rows, cols).</summary>
    static void AddTransposed<T>(ReadOnlySpan<T> source, int rows, int cols, Span<T> target) where T : IFloatingPointIeee754<T>
    {
        for (int j = 0; j < cols; j++)
        {
            var row = target.Slice(j * rows, rows);
            for (int i = 0; i < row.Length; i++) row[i] += source[i * cols + j];
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
