using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Runtime.Cpu;

// One sample; Rows = Cin*Kh*Kw (Groups*Patch), Pixels = Ho*Wo.
//   x   (Cin, H, W)
//   col (Rows, Pixels): row (c, kh, kw) holds, for every output pixel, the input value under kernel tap (kh, kw),
//                       at offset (kh*Dh, kw*Dw) in the window, or zero where the tap falls into the padding.
//                       Group g's Patch rows are the contiguous block g*Patch.., as its weights are.
// Unfold builds col from x; Fold is its adjoint (sums col back into x), used for the input gradient.
internal static class Im2Col
{
    /// <summary>col = unfold(x). Shapes: col (Rows, Pixels), x (Cin, H, W).</summary>
    public static void Unfold<T>(Span<T> col, ReadOnlySpan<T> x, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Walk<T, Gather<T>>(ref MemoryMarshal.GetReference(col), ref MemoryMarshal.GetReference(x), g);

    /// <summary>x = fold(col), the transpose of <see cref="Unfold{T}"/>. Shapes: x (Cin, H, W), col (Rows, Pixels).</summary>
    public static void Fold<T>(Span<T> x, ReadOnlySpan<T> col, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        x.Clear();
        Walk<T, ScatterAdd<T>>(ref MemoryMarshal.GetReference(col), ref MemoryMarshal.GetReference(x), g);
    }

    // Visits every (col row, output row) pair once, handing TRun the run of output columns whose tap lands inside x.
    // All geometry (rectangular window, stride, padding, dilation) is settled per tap; the runs see only a stride.
    static void Walk<T, TRun>(ref T col, ref T x, in ConvGeometry g) where TRun : IRun<T>
    {
        int h = g.Height, w = g.Width, ho = g.OutHeight, wo = g.OutWidth;
        int strideH = g.StrideHeight, strideW = g.StrideWidth, padH = g.PaddingHeight, padW = g.PaddingWidth;
        nint pixels = (nint)ho * wo, rowStep = (nint)strideH * w;
        nint r = 0;
        for (int c = 0; c < g.InChannels; c++)
        {
            ref T plane = ref Unsafe.Add(ref x, (nint)c * h * w);
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                int tapH = kh * g.DilationHeight;
                var (ohLo, ohHi) = Inside(tapH, h, ho, strideH, padH);
                for (int kw = 0; kw < g.KernelWidth; kw++, r++)
                {
                    int tapW = kw * g.DilationWidth;
                    ref T row = ref Unsafe.Add(ref col, r * pixels);
                    var (owLo, owHi) = Inside(tapW, w, wo, strideW, padW);
                    // Empty runs are skipped rather than visited, so no ref ever points outside a buffer.
                    int last = owLo == owHi ? ohLo : ohHi;
                    TRun.Outside(ref row, ohLo * wo);
                    nint target = (nint)ohLo * wo, source = (nint)(ohLo * strideH + tapH - padH) * w + owLo * strideW + tapW - padW;
                    for (int oh = ohLo; oh < last; oh++, target += wo, source += rowStep)
                        TRun.Run(ref Unsafe.Add(ref row, target), ref Unsafe.Add(ref plane, source), owLo, owHi - owLo, wo - owHi, strideW);
                    if (last < ho) TRun.Outside(ref Unsafe.Add(ref row, last * wo), (ho - last) * wo);
                }
            }
        }
    }

    /// <summary>The outputs o in [Lo, Hi) whose input coordinate o*stride + tap - pad lies in [0, size) (tap: offset in the window).</summary>
    static (int Lo, int Hi) Inside(int tap, int size, int outSize, int stride, int pad)
    {
        int first = pad - tap, last = size - 1 + pad - tap;
        // Stride 1 skips the integer divisions, which would dominate this per-tap bookkeeping.
        int lo = first <= 0 ? 0 : Math.Min(outSize, stride == 1 ? first : (first + stride - 1) / stride);
        int hi = last < 0 ? 0 : Math.Min(outSize, (stride == 1 ? last : last / stride) + 1);
        return (lo, Math.Max(lo, hi));
    }

    interface IRun<T>
    {
        /// <summary>count col entries whose taps fall into the padding (count may be 0).</summary>
        static abstract void Outside(ref T col, int count);

        /// <summary>
        /// One output row of a col row: left padded entries, then count entries paired with x entries
        /// <paramref name="stride"/> apart (x points at the first), then right padded entries.
        /// </summary>
        static abstract void Run(ref T col, ref T x, int left, int count, int right, int stride);
    }

    // Runs are short (a few to a few dozen elements), so everything is inline: a Memmove or Memset call per run
    // would cost more than the copy.
    struct Gather<T> : IRun<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Outside(ref T col, int count)
        {
            if (count > 0) MemoryMarshal.CreateSpan(ref col, count).Clear();
        }

        public static void Run(ref T col, ref T x, int left, int count, int right, int stride)
        {
            for (int i = 0; i < left; i++) Unsafe.Add(ref col, i) = T.Zero;
            ref T run = ref Unsafe.Add(ref col, left);
            // Each copy's last vector ends exactly at the run's end, overlapping the one before: copying twice is harmless.
            if (stride == 1 && count >= Vector<T>.Count)
            {
                int width = Vector<T>.Count;
                for (int i = 0; i < count - width; i += width)
                    Vector.LoadUnsafe(ref x, (nuint)i).StoreUnsafe(ref run, (nuint)i);
                Vector.LoadUnsafe(ref x, (nuint)(count - width)).StoreUnsafe(ref run, (nuint)(count - width));
            }
            else if (stride == 1 && count >= Vector128<T>.Count && Vector128.IsHardwareAccelerated)
            {
                // Runs shorter than Vector<T> (late layers, e.g. Wo = 5) still move a 128-bit vector at a time.
                int width = Vector128<T>.Count;
                for (int i = 0; i < count - width; i += width)
                    Vector128.LoadUnsafe(ref x, (nuint)i).StoreUnsafe(ref run, (nuint)i);
                Vector128.LoadUnsafe(ref x, (nuint)(count - width)).StoreUnsafe(ref run, (nuint)(count - width));
            }
            else
            {
                for (int i = 0; i < count; i++) Unsafe.Add(ref run, i) = Unsafe.Add(ref x, (nint)i * stride);
            }
            for (int i = 0; i < right; i++) Unsafe.Add(ref run, count + i) = T.Zero;
        }
    }

    struct ScatterAdd<T> : IRun<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Outside(ref T col, int count) { }

        public static void Run(ref T col, ref T x, int left, int count, int right, int stride)
        {
            ref T run = ref Unsafe.Add(ref col, left);
            int i = 0;
            if (stride == 1)
            {
                for (; i <= count - Vector<T>.Count; i += Vector<T>.Count)
                    (Vector.LoadUnsafe(ref x, (nuint)i) + Vector.LoadUnsafe(ref run, (nuint)i)).StoreUnsafe(ref x, (nuint)i);
                if (Vector128.IsHardwareAccelerated)
                    for (; i <= count - Vector128<T>.Count; i += Vector128<T>.Count)
                        (Vector128.LoadUnsafe(ref x, (nuint)i) + Vector128.LoadUnsafe(ref run, (nuint)i)).StoreUnsafe(ref x, (nuint)i);
            }
            for (; i < count; i++) Unsafe.Add(ref x, (nint)i * stride) += Unsafe.Add(ref run, i);
        }
    }
}
