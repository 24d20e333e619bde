using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetDsl.Runtime.Cpu;

/// <summary>Vector helpers shared by the kernels.</summary>
internal static class Simd
{
    /// <summary>a·b + c, fused where the hardware has FMA. The type tests are constants the JIT folds away.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MulAdd<T>(Vector<T> a, Vector<T> b, Vector<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector.MultiplyAddEstimate(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.MultiplyAddEstimate(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return a * b + c;
    }
}
