using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cpu;

// Shapes: x (planes, H, W), y (planes, Ho, Wo) with Ho = H/2, Wo = W/2 (floor); float only.
// Max pooling over 2×2 windows at stride 2, L = Vector<float>.Count windows of one output row per step.
// A float pair is one ulong, so Vector.Narrow splits even from odd input columns and Vector.Widen zips the routed
// gradients back. Same selection rule as Pool2d's generic path: first maximum in row-major order, NaN takes over.
internal static class MaxPool2x2
{
    public static bool Applies<T>(in PoolGeometry g) =>
        typeof(T) == typeof(float) && g.Kernel == 2 && g.Stride == 2 && g.OutWidth >= Vector<float>.Count;

    public static void Forward(Span<float> y, ReadOnlySpan<float> x, int planes, in PoolGeometry g)
    {
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        int w = g.Width, ho = g.OutHeight, wo = g.OutWidth, planeSize = g.Height * g.Width;
        for (int plane = 0; plane < planes; plane++)
            for (int oh = 0; oh < ho; oh++)
            {
                ref float top = ref Unsafe.Add(ref x0, plane * planeSize + 2 * oh * w);
                ref float output = ref Unsafe.Add(ref y0, (plane * ho + oh) * wo);
                for (int ow = 0; ow < wo; ow += Vector<float>.Count)
                {
                    int at = LastStepOverlaps(ow, wo);
                    Select(ref Unsafe.Add(ref top, 2 * at), w, out _).StoreUnsafe(ref output, (nuint)at);
                }
            }
    }

    public static void Backward(Span<float> dx, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int planes, in PoolGeometry g)
    {
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float dx0 = ref MemoryMarshal.GetReference(dx);
        ref float dy0 = ref MemoryMarshal.GetReference(dy);
        int w = g.Width, ho = g.OutHeight, wo = g.OutWidth, planeSize = g.Height * g.Width;
        nuint lanes = (nuint)Vector<float>.Count;
        for (int plane = 0; plane < planes; plane++)
            for (int oh = 0; oh < ho; oh++)
            {
                int rowStart = plane * planeSize + 2 * oh * w;
                ref float gradient = ref Unsafe.Add(ref dy0, (plane * ho + oh) * wo);
                for (int ow = 0; ow < wo; ow += Vector<float>.Count)
                {
                    int at = LastStepOverlaps(ow, wo);
                    Select(ref Unsafe.Add(ref x0, rowStart + 2 * at), w, out var winner);
                    var dyv = Vector.LoadUnsafe(ref gradient, (nuint)at);
                    // Windows don't overlap, so each dx element is written (not added) exactly once per step.
                    ref float top = ref Unsafe.Add(ref dx0, rowStart + 2 * at);
                    ref float bottom = ref Unsafe.Add(ref top, w);
                    var (lo, hi) = Zip(Route(dyv, winner, 0), Route(dyv, winner, 1));
                    lo.StoreUnsafe(ref top);
                    hi.StoreUnsafe(ref top, lanes);
                    (lo, hi) = Zip(Route(dyv, winner, 2), Route(dyv, winner, 3));
                    lo.StoreUnsafe(ref bottom);
                    hi.StoreUnsafe(ref bottom, lanes);
                }
            }
    }

    /// <summary>Where a row's L-window step starts: the final step is moved back to end at the row's end, redoing a few windows rather than running a scalar tail.</summary>
    static int LastStepOverlaps(int ow, int wo) => Math.Min(ow, wo - Vector<float>.Count);

    /// <summary>Per lane, the max of a window whose top-left is at lane*2 from <paramref name="top"/>, and its tap (0..3, row-major) as float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<float> Select(ref float top, int width, out Vector<float> winner)
    {
        nuint lanes = (nuint)Vector<float>.Count;
        ref float bottom = ref Unsafe.Add(ref top, width);
        var t0 = Vector.LoadUnsafe(ref top);
        var t1 = Vector.LoadUnsafe(ref top, lanes);
        var b0 = Vector.LoadUnsafe(ref bottom);
        var b1 = Vector.LoadUnsafe(ref bottom, lanes);
        var max = Evens(t0, t1);
        winner = Vector<float>.Zero;
        Take(Odds(t0, t1), 1, ref max, ref winner);
        Take(Evens(b0, b1), 2, ref max, ref winner);
        Take(Odds(b0, b1), 3, ref max, ref winner);
        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Take(Vector<float> candidate, float tap, ref Vector<float> max, ref Vector<float> winner)
    {
        var takes = Vector.GreaterThan(candidate, max) | ~Vector.Equals(candidate, candidate);
        max = Vector.ConditionalSelect(takes, candidate, max);
        winner = Vector.ConditionalSelect(takes, new Vector<float>(tap), winner);
    }

    static Vector<float> Route(Vector<float> dy, Vector<float> winner, float tap) =>
        Vector.ConditionalSelect(Vector.Equals(winner, new Vector<float>(tap)), dy, Vector<float>.Zero);

    static Vector<float> Evens(Vector<float> a, Vector<float> b) =>
        Vector.Narrow(a.As<float, ulong>(), b.As<float, ulong>()).As<uint, float>();

    static Vector<float> Odds(Vector<float> a, Vector<float> b) =>
        Vector.Narrow(Vector.ShiftRightLogical(a.As<float, ulong>(), 32), Vector.ShiftRightLogical(b.As<float, ulong>(), 32)).As<uint, float>();

    /// <summary>The inverse of (Evens, Odds): [e0, o0, e1, o1, ...] over two vectors.</summary>
    static (Vector<float> Lo, Vector<float> Hi) Zip(Vector<float> evens, Vector<float> odds)
    {
        Vector.Widen(evens.As<float, uint>(), out var evensLo, out var evensHi);
        Vector.Widen(odds.As<float, uint>(), out var oddsLo, out var oddsHi);
        return ((evensLo | (oddsLo << 32)).As<ulong, float>(), (evensHi | (oddsHi << 32)).As<ulong, float>());
    }
}
