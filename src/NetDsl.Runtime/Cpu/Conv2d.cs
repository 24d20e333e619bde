using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Shapes (PyTorch layout and semantics); G groups, Patch = Cin/G*Kh*Kw, Pixels = Ho*Wo:
//   x  (n, Cin, H, W)      w (Cout, Cin/G, Kh, Kw) = (Cout, Patch)      b (Cout), or empty: no bias (db likewise)
//   y  (n, Cout, Ho, Wo)   scratch = [col (G*Patch, Pixels) | spare (G*Patch, Pixels)]
// Per sample and group g, as matrices (subscript g: the group's block of rows, contiguous in every operand):
//   forward   y_sg  = w_g · col_sg + b_g            col_s = unfold(x_s)
//   backward  dw_g += dy_sg · col_sgᵀ,  db += rowsums(dy_s),  dx_s = fold(dcol_s),  dcol_sg = w_gᵀ · dy_sg
// spare holds dcol_s, or (weights pass) dwᵀ and dy_sgᵀ for the outer-product form of dw.
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
        int groups = g.Groups, cout = g.OutChannels / groups;
        bool pointwise = g.Pointwise, bias = !b.IsEmpty;
        Span<T> col = scratch[..(groups * patch * pixels)];
        for (int s = 0; s < n; s++)
        {
            var xs = x.Slice(s * inSize, inSize);
            var ys = y.Slice(s * outSize, outSize);
            if (bias)
                for (int c = 0; c < g.OutChannels; c++) ys.Slice(c * pixels, pixels).Fill(b[c]);
            if (!pointwise) Im2Col.Unfold(col, xs, g);
            ReadOnlySpan<T> cols = pointwise ? xs : col;
            for (int k = 0; k < groups; k++)
                Gemm.Multiply(ys[(k * cout * pixels)..], pixels, w[(k * cout * patch)..], patch, 1, cols[(k * patch * pixels)..], pixels,
                    cout, pixels, patch, accumulate: bias);
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

        int patch = g.Patch, pixels = g.OutHeight * g.OutWidth, inSize = g.InSize, outSize = g.OutSize;
        int groups = g.Groups, cout = g.OutChannels / groups;   // cout: output channels per group
        bool pointwise = g.Pointwise;
        int colLength = groups * patch * pixels;
        Span<T> col = scratch[..colLength];
        Span<T> spare = scratch.Slice(colLength, colLength);

        // Parameter gradients. dw = Σ dy_s · col_sᵀ contracts over pixels, the contiguous axis of both operands.
        // As dot products every weight pays a horizontal sum per sample, which is cheap only when pixels are many.
        // Otherwise transpose dy_sg (small) and run outer products into dw_gᵀ, kept in the spare half of scratch.
        bool outer = WeightGradientByOuterProducts<T>(g, pixels);
        Span<T> dwT = outer ? spare[..(patch * g.OutChannels)] : default;
        Span<T> dyT = outer ? spare.Slice(patch * g.OutChannels, pixels * cout) : default;
        dwT.Clear();
        for (int s = 0; s < n; s++)
        {
            var xs = x.Slice(s * inSize, inSize);
            var dys = dy.Slice(s * outSize, outSize);
            if (!db.IsEmpty)
                for (int c = 0; c < g.OutChannels; c++) db[c] += TensorPrimitives.Sum(dys.Slice(c * pixels, pixels));
            if (!pointwise) Im2Col.Unfold(col, xs, g);
            ReadOnlySpan<T> cols = pointwise ? xs : col;
            for (int k = 0; k < groups; k++)
            {
                var dyk = dys.Slice(k * cout * pixels, cout * pixels);
                var colk = cols.Slice(k * patch * pixels, patch * pixels);
                if (outer)
                {
                    Transpose(dyk, cout, pixels, dyT);
                    Gemm.Multiply(dwT[(k * patch * cout)..], cout, colk, pixels, 1, dyT, cout, patch, cout, pixels, accumulate: true);
                }
                else
                {
                    Gemm.MultiplyTransposed(dw[(k * cout * patch)..], patch, dyk, pixels, colk, pixels, cout, patch, pixels, accumulate: true);
                }
            }
        }
        if (outer)
            for (int k = 0; k < groups; k++)
                AddTransposed(dwT.Slice(k * patch * cout, patch * cout), patch, cout, dw.Slice(k * cout * patch, cout * patch));

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
        int patch = g.Patch, pixels = g.OutHeight * g.OutWidth, inSize = g.InSize, outSize = g.OutSize, groups = g.Groups, cout = g.OutChannels / groups;
        bool pointwise = g.Pointwise;
        for (int s = 0; s < n; s++)
        {
            var dys = dy.Slice(s * outSize, outSize);
            var dxs = dx.Slice(s * inSize, inSize);
            var cols = pointwise ? dxs : dcol;
            // w_kᵀ is group k's weights read with swapped strides: element (q, c) at w_k[c*patch + q].
            for (int k = 0; k < groups; k++)
                Gemm.Multiply(cols[(k * patch * pixels)..], pixels, w[(k * cout * patch)..], 1, patch, dys[(k * cout * pixels)..], pixels,
                    patch, pixels, cout, accumulate: false);
            if (!pointwise) Im2Col.Fold(dxs, dcol, g);
        }
    }

    /// <summary>
    /// Outer products need dwᵀ (every group's (Patch, Cout/G) block) and one group's dy_sgᵀ (Pixels, Cout/G) to fit in
    /// the spare half of scratch, and at least a vector of output channels per group so their tiles aren't mostly padding.
    /// </summary>
    static bool WeightGradientByOuterProducts<T>(in ConvGeometry g, int pixels)
    {
        int cout = g.OutChannels / g.Groups;
        return cout >= Vector<T>.Count && (long)g.Patch * g.OutChannels + (long)pixels * cout <= (long)g.Groups * g.Patch * pixels;
    }

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

    static void CheckCommon<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> scratch, int n, in ConvGeometry g)
    {
        Check.Geometry(g);
        Check.Count(n, nameof(n));
        Check.Length(x.Length, (long)n * g.InSize, nameof(x));
        Check.Length(w.Length, (long)g.OutChannels * g.Patch, nameof(w));
        Check.AtLeast(scratch.Length, g.ScratchLength, nameof(scratch));
    }
}
