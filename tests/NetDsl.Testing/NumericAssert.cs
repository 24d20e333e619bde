using System.Numerics;

namespace NetDsl.Testing;

/// <summary>Element-wise closeness asserts for float and double buffers.</summary>
public static class NumericAssert
{
    /// <summary>Default tolerance: what a reordered sum of a few hundred products can drift in each precision.</summary>
    public static double DefaultTolerance<T>() where T : IFloatingPointIeee754<T> => typeof(T) == typeof(float) ? 1e-4 : 1e-10;

    /// <summary>
    /// Passes when every |actual - expected| ≤ tolerance · max(1, |expected|) (absolute near zero, relative for large
    /// values); NaNs must match NaNs and infinities must match exactly. Fails with the worst element.
    /// </summary>
    public static void Close<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double? tolerance = null, string what = "values")
        where T : IFloatingPointIeee754<T>
    {
        double tol = tolerance ?? DefaultTolerance<T>();
        if (expected.Length != actual.Length)
            Xunit.Assert.Fail($"{what}: expected {expected.Length} elements, got {actual.Length}.");

        int worstIndex = -1;
        double worstError = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateTruncating(expected[i]), a = double.CreateTruncating(actual[i]);
            double error = Error(e, a);
            if (error > worstError) (worstError, worstIndex) = (error, i);
        }
        if (worstError > tol)
            Xunit.Assert.Fail($"{what}[{worstIndex}]: expected {expected[worstIndex]}, got {actual[worstIndex]} " +
                $"(scaled error {worstError:G3} > tolerance {tol:G3}; {expected.Length} elements).");
    }

    public static void Close<T>(T[] expected, T[] actual, double? tolerance = null, string what = "values") where T : IFloatingPointIeee754<T> =>
        Close<T>(expected.AsSpan(), actual.AsSpan(), tolerance, what);

    /// <summary>
    /// Passes when every |actual − expected| ≤ tolerance · max(minimumScale, max |expected|): errors are judged against
    /// the tensor's largest magnitude, so tiny entries of a gradient are not held to a relative bound. Fails at the
    /// first element out of bounds, naming both sides.
    /// </summary>
    public static void CloseToLargest<TExpected, TActual>(IReadOnlyList<TExpected> expected, IReadOnlyList<TActual> actual, double tolerance,
        string what, string expectedSide = "expected", string actualSide = "actual", double minimumScale = 0)
        where TExpected : IFloatingPointIeee754<TExpected> where TActual : IFloatingPointIeee754<TActual>
    {
        Xunit.Assert.Equal(expected.Count, actual.Count);
        double scale = Math.Max(minimumScale, expected.Max(v => Math.Abs(double.CreateTruncating(v))));
        for (int i = 0; i < expected.Count; i++)
        {
            double e = double.CreateTruncating(expected[i]), a = double.CreateTruncating(actual[i]);
            Xunit.Assert.True(Math.Abs(e - a) <= tolerance * scale,
                $"{what}[{i}]: {expectedSide} {e:G9}, {actualSide} {a:G9} (tolerance {tolerance * scale:G3})");
        }
    }

    static double Error(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
            return double.IsNaN(expected) && double.IsNaN(actual) ? 0 : double.PositiveInfinity;
        if (double.IsInfinity(expected) || double.IsInfinity(actual))
            return expected == actual ? 0 : double.PositiveInfinity;
        return Math.Abs(actual - expected) / Math.Max(1, Math.Abs(expected));
    }
}
