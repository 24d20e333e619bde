using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cpu;

// The matrix products behind Conv2d and Dense. Row-major throughout; W = Vector<T>.Count.
//   C (m, n)   element (i, j) at c[i*ldc + j]
//   A (m, k)   element (i, p) at a[i*aRow + p*aCol]: any strides, so a transposed A costs nothing
//   B (k, n)   element (p, j) at b[p*ldb + j]: rows are contiguous and load as vectors
//   Bt (n, k)  element (j, p) at bt[j*ldb + p]: for products contracting two operands along their contiguous axis
//
// Multiply is the workhorse (outer products on a 6 × 2W register tile, B streamed straight from its rows).
// MultiplyTransposed covers A·Btᵀ, where no operand has contiguous columns, with dot products on a 3 × 4 tile.
[SkipLocalsInit]
internal static class Gemm
{
    const int TileRows = 6;
    // Depth of one pass: keeps a DepthBlock × 2W panel of B (16 KiB) in L1 while it sweeps all rows of A.
    const int DepthBlock = 256;
    const int DotRows = 3, DotCols = 4;

    /// <summary>C = A·B, or C += A·B when <paramref name="accumulate"/>. Shapes: C (m, n), A (m, k), B (k, n).</summary>
    public static void Multiply<T>(Span<T> c, int ldc, ReadOnlySpan<T> a, int aRow, int aCol, ReadOnlySpan<T> b, int ldb,
        int m, int n, int k, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        Debug.Assert(c.Length >= (long)(m - 1) * ldc + n);
        Debug.Assert(k == 0 || a.Length >= (long)(m - 1) * aRow + (long)(k - 1) * aCol + 1);
        Debug.Assert(k == 0 || b.Length >= (long)(k - 1) * ldb + n);
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }

        int width = 2 * Vector<T>.Count;
        Span<T> edgePanel = stackalloc T[DepthBlock * width];
        Span<T> edgeTile = stackalloc T[TileRows * width];
        ref T a0 = ref MemoryMarshal.GetReference(a);
        ref T b0 = ref MemoryMarshal.GetReference(b);
        ref T c0 = ref MemoryMarshal.GetReference(c);

        for (int p0 = 0; p0 < k; p0 += DepthBlock)
        {
            int depth = Math.Min(DepthBlock, k - p0);
            bool add = accumulate || p0 > 0;
            for (int j0 = 0; j0 < n; j0 += width)
            {
                int cols = Math.Min(width, n - j0);
                // A ragged right edge is computed as a whole panel too: shifted left to end at B's last column when B
                // is wide enough (the tile then keeps only its last `cols` columns), else copied with zero padding.
                int skip = cols < width && n >= width ? width - cols : 0;
                scoped ref T panel = ref Unsafe.Add(ref b0, (nint)p0 * ldb + j0 - skip);
                nint panelStride = ldb;
                if (cols < width && skip == 0)
                {
                    for (int p = 0; p < depth; p++)
                        for (int j = 0; j < width; j++)
                            edgePanel[p * width + j] = j < cols ? Unsafe.Add(ref panel, p * panelStride + j) : T.Zero;
                    panel = ref MemoryMarshal.GetReference(edgePanel);
                    panelStride = width;
                }

                for (int i0 = 0; i0 < m; i0 += TileRows)
                {
                    int rows = Math.Min(TileRows, m - i0);
                    ref T aTile = ref Unsafe.Add(ref a0, (nint)i0 * aRow + (nint)p0 * aCol);
                    ref T cTile = ref Unsafe.Add(ref c0, (nint)i0 * ldc + j0);
                    if (rows == TileRows && cols == width)
                    {
                        OuterTile(depth, ref aTile, aRow, aCol, rows, ref panel, panelStride, ref cTile, ldc, add);
                        continue;
                    }
                    // Partial tile: compute it whole into a buffer, then keep the valid corner.
                    OuterTile(depth, ref aTile, aRow, aCol, rows, ref panel, panelStride, ref MemoryMarshal.GetReference(edgeTile), width, false);
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < cols; j++)
                        {
                            ref T target = ref Unsafe.Add(ref cTile, (nint)i * ldc + j);
                            T value = edgeTile[i * width + skip + j];
                            target = add ? target + value : value;
                        }
                }
            }
        }
    }

    /// <summary>C = A·Btᵀ, or C += A·Btᵀ when <paramref name="accumulate"/>. Shapes: C (m, n), A (m, k), Bt (n, k).</summary>
    public static void MultiplyTransposed<T>(Span<T> c, int ldc, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> bt, int ldb,
        int m, int n, int k, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        Debug.Assert(c.Length >= (long)(m - 1) * ldc + n);
        Debug.Assert(k == 0 || a.Length >= (long)(m - 1) * lda + k);
        Debug.Assert(k == 0 || bt.Length >= (long)(n - 1) * ldb + k);
        ref T a0 = ref MemoryMarshal.GetReference(a);
        ref T b0 = ref MemoryMarshal.GetReference(bt);
        ref T c0 = ref MemoryMarshal.GetReference(c);
        // Tiles are DotRows × DotCols and results are stored one by one, so Cᵀ = Bt·Aᵀ is as cheap as C = A·Btᵀ:
        // take whichever orientation wastes fewer lanes on ragged edges (e.g. 16 × 150 runs as 150 × 16, exactly).
        if (RoundUp(n, DotRows) * RoundUp(m, DotCols) < RoundUp(m, DotRows) * RoundUp(n, DotCols))
            DotTiles(ref c0, 1, ldc, ref b0, ldb, ref a0, lda, n, m, k, accumulate);
        else
            DotTiles(ref c0, ldc, 1, ref a0, lda, ref b0, ldb, m, n, k, accumulate);
    }

    static long RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    // C (m, n), element (i, j) at c[i*cRow + j*cCol], (+)= A (m, k) · Bt (n, k)ᵀ.
    static void DotTiles<T>(ref T c, nint cRow, nint cCol, ref T a, nint lda, ref T bt, nint ldb, int m, int n, int k, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Columns outer: a DotCols × k block of Bt stays in L1 while the rows of A stream past it.
        for (int j0 = 0; j0 < n; j0 += DotCols)
            for (int i0 = 0; i0 < m; i0 += DotRows)
                DotTile(k, ref Unsafe.Add(ref a, i0 * lda), lda, Math.Min(DotRows, m - i0),
                    ref Unsafe.Add(ref bt, j0 * ldb), ldb, Math.Min(DotCols, n - j0),
                    ref Unsafe.Add(ref c, i0 * cRow + j0 * cCol), cRow, cCol, add);
    }

    // C tile (6, 2W) (+)= A (6, depth) · B (depth, 2W). Rows past `rows` repeat A's last row; callers drop them.
    static void OuterTile<T>(int depth, ref T a, nint aRow, nint aCol, int rows, ref T b, nint ldb, ref T c, nint ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T a0 = ref a;
        ref T a1 = ref Unsafe.Add(ref a, Math.Min(1, rows - 1) * aRow);
        ref T a2 = ref Unsafe.Add(ref a, Math.Min(2, rows - 1) * aRow);
        ref T a3 = ref Unsafe.Add(ref a, Math.Min(3, rows - 1) * aRow);
        ref T a4 = ref Unsafe.Add(ref a, Math.Min(4, rows - 1) * aRow);
        ref T a5 = ref Unsafe.Add(ref a, Math.Min(5, rows - 1) * aRow);
        nuint w = (nuint)Vector<T>.Count;
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint ai = 0;
        nuint bi = 0;
        for (int p = 0; p < depth; p++, ai += aCol, bi += (nuint)ldb)
        {
            var b0 = Vector.LoadUnsafe(ref b, bi);
            var b1 = Vector.LoadUnsafe(ref b, bi + w);
            var s = new Vector<T>(Unsafe.Add(ref a0, ai));
            c00 = Simd.MulAdd(s, b0, c00); c01 = Simd.MulAdd(s, b1, c01);
            s = new Vector<T>(Unsafe.Add(ref a1, ai));
            c10 = Simd.MulAdd(s, b0, c10); c11 = Simd.MulAdd(s, b1, c11);
            s = new Vector<T>(Unsafe.Add(ref a2, ai));
            c20 = Simd.MulAdd(s, b0, c20); c21 = Simd.MulAdd(s, b1, c21);
            s = new Vector<T>(Unsafe.Add(ref a3, ai));
            c30 = Simd.MulAdd(s, b0, c30); c31 = Simd.MulAdd(s, b1, c31);
            s = new Vector<T>(Unsafe.Add(ref a4, ai));
            c40 = Simd.MulAdd(s, b0, c40); c41 = Simd.MulAdd(s, b1, c41);
            s = new Vector<T>(Unsafe.Add(ref a5, ai));
            c50 = Simd.MulAdd(s, b0, c50); c51 = Simd.MulAdd(s, b1, c51);
        }
        StoreRow(ref c, c00, c01, add);
        StoreRow(ref Unsafe.Add(ref c, ldc), c10, c11, add);
        StoreRow(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, add);
        StoreRow(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, add);
        StoreRow(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, add);
        StoreRow(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow<T>(ref T c, Vector<T> lo, Vector<T> hi, bool add)
    {
        nuint w = (nuint)Vector<T>.Count;
        if (add)
        {
            lo += Vector.LoadUnsafe(ref c);
            hi += Vector.LoadUnsafe(ref c, w);
        }
        lo.StoreUnsafe(ref c);
        hi.StoreUnsafe(ref c, w);
    }

    // C tile (rows ≤ 3, cols ≤ 4) (+)= A (rows, k) · Bt (cols, k)ᵀ. Missing rows/columns repeat the last one and are not stored.
    static void DotTile<T>(int k, ref T a, nint lda, int rows, ref T bt, nint ldb, int cols, ref T c, nint cRow, nint cCol, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T a0 = ref a;
        ref T a1 = ref Unsafe.Add(ref a, Math.Min(1, rows - 1) * lda);
        ref T a2 = ref Unsafe.Add(ref a, Math.Min(2, rows - 1) * lda);
        ref T b0 = ref bt;
        ref T b1 = ref Unsafe.Add(ref bt, Math.Min(1, cols - 1) * ldb);
        ref T b2 = ref Unsafe.Add(ref bt, Math.Min(2, cols - 1) * ldb);
        ref T b3 = ref Unsafe.Add(ref bt, Math.Min(3, cols - 1) * ldb);
        Vector<T> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector<T> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector<T> s20 = default, s21 = default, s22 = default, s23 = default;
        int w = Vector<T>.Count;
        int p = 0;
        var keep = Vector<T>.AllBitsSet;
        while (p < k && k >= w)
        {
            if (p > k - w)
            {
                // The ragged end: step back to the last whole vector and mask off the lanes already summed.
                keep = Vector.GreaterThanOrEqual(Vector<T>.Indices, new Vector<T>(T.CreateTruncating(p - (k - w))));
                p = k - w;
            }
            var x0 = Vector.LoadUnsafe(ref a0, (nuint)p) & keep;
            var x1 = Vector.LoadUnsafe(ref a1, (nuint)p) & keep;
            var x2 = Vector.LoadUnsafe(ref a2, (nuint)p) & keep;
            // Bt is masked too: a 0·∞ in a dropped lane would otherwise turn the sum into NaN.
            var y = Vector.LoadUnsafe(ref b0, (nuint)p) & keep;
            s00 = Simd.MulAdd(x0, y, s00); s10 = Simd.MulAdd(x1, y, s10); s20 = Simd.MulAdd(x2, y, s20);
            y = Vector.LoadUnsafe(ref b1, (nuint)p) & keep;
            s01 = Simd.MulAdd(x0, y, s01); s11 = Simd.MulAdd(x1, y, s11); s21 = Simd.MulAdd(x2, y, s21);
            y = Vector.LoadUnsafe(ref b2, (nuint)p) & keep;
            s02 = Simd.MulAdd(x0, y, s02); s12 = Simd.MulAdd(x1, y, s12); s22 = Simd.MulAdd(x2, y, s22);
            y = Vector.LoadUnsafe(ref b3, (nuint)p) & keep;
            s03 = Simd.MulAdd(x0, y, s03); s13 = Simd.MulAdd(x1, y, s13); s23 = Simd.MulAdd(x2, y, s23);
            p += w;
        }

        Span<T> sums = stackalloc T[DotRows * DotCols];
        Simd.Sum4(s00, s01, s02, s03, ref sums[0]);
        Simd.Sum4(s10, s11, s12, s13, ref sums[DotCols]);
        Simd.Sum4(s20, s21, s22, s23, ref sums[2 * DotCols]);
        for (int i = 0; i < rows; i++)
        {
            ref T ai = ref Unsafe.Add(ref a, i * lda);
            for (int j = 0; j < cols; j++)
            {
                ref T bj = ref Unsafe.Add(ref bt, j * ldb);
                T sum = sums[i * DotCols + j];
                for (int q = p; q < k; q++) sum += Unsafe.Add(ref ai, q) * Unsafe.Add(ref bj, q); // only when k < W
                ref T target = ref Unsafe.Add(ref c, i * cRow + j * cCol);
                target = add ? target + sum : sum;
            }
        }
    }
}
