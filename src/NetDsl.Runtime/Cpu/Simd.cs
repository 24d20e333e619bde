using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Runtime.Cpu;

/// <summary>Vector helpers shared by the kernels. The type and ISA tests are JIT-time constants; dead branches vanish.</summary>
internal static class Simd
{
    /// <summary>a·b + c, fused where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MulAdd<T>(Vector<T> a, Vector<T> b, Vector<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector.MultiplyAddEstimate(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.MultiplyAddEstimate(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return a * b + c;
    }

    /// <summary>sums[0..3] = the lane sums of a, b, c, d.</summary>
    /// <remarks>
    /// With AVX, horizontal adds reduce all four at once (a handful of instructions instead of about ten per
    /// Vector.Sum), which matters where every output of a product is a dot product.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum4<T>(Vector<T> a, Vector<T> b, Vector<T> c, Vector<T> d, ref T sums)
    {
        if (Avx.IsSupported && Vector<T>.Count == Vector256<T>.Count)
        {
            if (typeof(T) == typeof(float))
            {
                var ab = Avx.HorizontalAdd(a.AsVector256().AsSingle(), b.AsVector256().AsSingle());
                var cd = Avx.HorizontalAdd(c.AsVector256().AsSingle(), d.AsVector256().AsSingle());
                var all = Avx.HorizontalAdd(ab, cd); // per 128-bit half: partial sums of a, b, c, d
                (all.GetLower() + all.GetUpper()).StoreUnsafe(ref Unsafe.As<T, float>(ref sums));
                return;
            }
            if (typeof(T) == typeof(double))
            {
                var ab = Avx.HorizontalAdd(a.AsVector256().AsDouble(), b.AsVector256().AsDouble()); // a01 b01 a23 b23
                var cd = Avx.HorizontalAdd(c.AsVector256().AsDouble(), d.AsVector256().AsDouble());
                (Avx.Permute2x128(ab, cd, 0x20) + Avx.Permute2x128(ab, cd, 0x31)).StoreUnsafe(ref Unsafe.As<T, double>(ref sums));
                return;
            }
        }
        sums = Vector.Sum(a);
        Unsafe.Add(ref sums, 1) = Vector.Sum(b);
        Unsafe.Add(ref sums, 2) = Vector.Sum(c);
        Unsafe.Add(ref sums, 3) = Vector.Sum(d);
    }
}
