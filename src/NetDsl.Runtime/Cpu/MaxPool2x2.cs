using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Runtime.Cpu;

// Shapes: x (planes, H, W), y (planes, Ho, Wo) with Ho = H/2, Wo = W/2 (floor); float only.
// Max pooling over 2×2 windows at stride 2, four windows of one output row per step (Vector128: wide enough for
// the short rows of late layers, e.g. Wo = 5, and per-row overhead dominates anyway).
// A float pair is one ulong, so Narrow splits even from odd input columns and Widen zips the routed gradients
// back. Same selection rule as Pool2d's generic path: first maximum in row-major order, NaN takes over.
internal static class MaxPool2x2
{
    const int Lanes = 4;

    public static bool Applies<T>(in PoolGeometry g) =>
        typeof(T) == typeof(float) && Vector128.IsHardwareAccelerated && g.Kernel == 2 && g.Stride == 2 && g.OutWidth >= Lanes;

    // NoInlining: inlined into a caller, the JIT's inlining budget runs out and the vector helpers below become
    // real calls passing vectors through memory, several times slower.
    [MethodImpl(MethodImplOptions.NoInlining)]
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
                for (int ow = 0; ow < wo; ow += Lanes)
                {
                    int at = LastStepOverlaps(ow, wo);
                    Select(ref Unsafe.Add(ref top, 2 * at), w, out _).StoreUnsafe(ref output, (nuint)at);
                }
            }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Backward(Span<float> dx, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int planes, in PoolGeometry g)
    {
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float dx0 = ref MemoryMarshal.GetReference(dx);
        ref float dy0 = ref MemoryMarshal.GetReference(dy);
        int w = g.Width, ho = g.OutHeight, wo = g.OutWidth, planeSize = g.Height * g.Width;
        for (int plane = 0; plane < planes; plane++)
            for (int oh = 0; oh < ho; oh++)
            {
                int rowStart = plane * planeSize + 2 * oh * w;
                ref float gradient = ref Unsafe.Add(ref dy0, (plane * ho + oh) * wo);
                for (int ow = 0; ow < wo; ow += Lanes)
                {
                    int at = LastStepOverlaps(ow, wo);
                    Select(ref Unsafe.Add(ref x0, rowStart + 2 * at), w, out var winner);
                    var dyv = Vector128.LoadUnsafe(ref gradient, (nuint)at);
                    // Windows don't overlap, so each dx element is written (not added) exactly once per step.
                    ref float top = ref Unsafe.Add(ref dx0, rowStart + 2 * at);
                    ref float bottom = ref Unsafe.Add(ref top, w);
                    var (lo, hi) = Zip(Route(dyv, winner, 0), Route(dyv, winner, 1));
                    lo.StoreUnsafe(ref top);
                    hi.StoreUnsafe(ref top, Lanes);
                    (lo, hi) = Zip(Route(dyv, winner, 2), Route(dyv, winner, 3));
                    lo.StoreUnsafe(ref bottom);
                    hi.StoreUnsafe(ref bottom, Lanes);
                }
            }
    }

    /// <summary>Where a row's step starts: the final step is moved back to end at the row's end, redoing a few windows rather than running a scalar tail.</summary>
    static int LastStepOverlaps(int ow, int wo) => Math.Min(ow, wo - Lanes);

    /// <summary>Per lane, the max of a window whose top-left is at lane*2 from <paramref name="top"/>, and its tap (0..3, row-major) as float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> Select(ref float top, int width, out Vector128<float> winner)
    {
        ref float bottom = ref Unsafe.Add(ref top, width);
        var t0 = Vector128.LoadUnsafe(ref top);
        var t1 = Vector128.LoadUnsafe(ref top, Lanes);
        var b0 = Vector128.LoadUnsafe(ref bottom);
        var b1 = Vector128.LoadUnsafe(ref bottom, Lanes);
        var max = Evens(t0, t1);
        winner = Vector128<float>.Zero;
        Take(Odds(t0, t1), 1, ref max, ref winner);
        Take(Evens(b0, b1), 2, ref max, ref winner);
        Take(Odds(b0, b1), 3, ref max, ref winner);
        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Take(Vector128<float> candidate, float tap, ref Vector128<float> max, ref Vector128<float> winner)
    {
        var takes = Vector128.GreaterThan(candidate, max) | Vector128.IsNaN(candidate);
        max = Vector128.ConditionalSelect(takes, candidate, max);
        winner = Vector128.ConditionalSelect(takes, Vector128.Create(tap), winner);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> Route(Vector128<float> dy, Vector128<float> winner, float tap) =>
        Vector128.ConditionalSelect(Vector128.Equals(winner, Vector128.Create(tap)), dy, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> Evens(Vector128<float> a, Vector128<float> b) =>
        Vector128.Narrow(a.AsUInt64(), b.AsUInt64()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector128<float> Odds(Vector128<float> a, Vector128<float> b) =>
        Vector128.Narrow(Vector128.ShiftRightLogical(a.AsUInt64(), 32), Vector128.ShiftRightLogical(b.AsUInt64(), 32)).AsSingle();

    /// <summary>The inverse of (Evens, Odds): [e0, o0, e1, o1, ...] over two vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector128<float> Lo, Vector128<float> Hi) Zip(Vector128<float> evens, Vector128<float> odds)
    {
        var (evensLo, evensHi) = Vector128.Widen(evens.AsUInt32());
        var (oddsLo, oddsHi) = Vector128.Widen(odds.AsUInt32());
        return ((evensLo | (oddsLo << 32)).AsSingle(), (evensHi | (oddsHi << 32)).AsSingle());
    }
}
