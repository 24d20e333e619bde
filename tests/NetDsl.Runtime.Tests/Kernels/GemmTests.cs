using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>The matrix products directly, across tile edges: m around 3 and 6, n around 4 and 2W, k around W and 256.</summary>
public sealed class GemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 7, 3 }, { 5, 1, 9 }, { 6, 16, 8 }, { 7, 17, 9 }, { 13, 33, 5 },
        { 3, 4, 7 }, { 4, 5, 16 }, { 12, 31, 100 }, { 16, 100, 150 }, { 2, 9, 257 }, { 7, 20, 600 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Multiply_matches_naive_products_in_float(int m, int n, int k) => MultiplyMatches<float>(m, n, k);

    [Theory, MemberData(nameof(Shapes))]
    public void Multiply_matches_naive_products_in_double(int m, int n, int k) => MultiplyMatches<double>(m, n, k);

    [Theory, MemberData(nameof(Shapes))]
    public void MultiplyTransposed_matches_naive_products_in_float(int m, int n, int k) => MultiplyTransposedMatches<float>(m, n, k);

    [Theory, MemberData(nameof(Shapes))]
    public void MultiplyTransposed_matches_naive_products_in_double(int m, int n, int k) => MultiplyTransposedMatches<double>(m, n, k);

    [Fact]
    public void An_empty_product_clears_or_keeps_C()
    {
        var c = new double[] { 1, 2, 3, 4, 5, 6 };
        Gemm.Multiply<double>(c, 3, [], 1, 1, [], 3, 2, 3, 0, accumulate: true);
        Assert.Equal([1, 2, 3, 4, 5, 6], c);
        Gemm.Multiply<double>(c, 3, [], 1, 1, [], 3, 2, 3, 0, accumulate: false);
        Assert.Equal(new double[6], c);
    }

    [Fact]
    public void MultiplyTransposed_keeps_an_infinite_sum_infinite_across_the_ragged_end()
    {
        // k = W + 1: the last step steps back over elements 1..W-1, already summed, and masks them off.
        // Masking only A would make 0·∞ = NaN there; the true result is +∞.
        int k = Vector<float>.Count + 1;
        var a = Enumerable.Repeat(1f, k).ToArray();
        var bt = Enumerable.Repeat(1f, k).ToArray();
        bt[1] = float.PositiveInfinity;
        var c = new float[1];

        Gemm.MultiplyTransposed<float>(c, 1, a, k, bt, k, 1, 1, k, accumulate: false);

        Assert.Equal(float.PositiveInfinity, c[0]);
    }

    static void MultiplyMatches<T>(int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (bool transposeA in new[] { false, true })
            foreach (bool accumulate in new[] { false, true })
            {
                // A stored row-major (m, k) or as its transpose (k, m), with padded leading dimensions.
                int lda = (transposeA ? m : k) + 3, ldb = n + 2, ldc = n + 1;
                var a = TestData.Uniform<T>(1, (transposeA ? k : m) * lda);
                var b = TestData.Uniform<T>(2, k * ldb);
                var c = TestData.Uniform<T>(3, m * ldc);
                var expected = Naive(c, ldc, (i, p) => transposeA ? a[p * lda + i] : a[i * lda + p], (p, j) => b[p * ldb + j], m, n, k, accumulate);

                Gemm.Multiply<T>(c, ldc, a, transposeA ? 1 : lda, transposeA ? lda : 1, b, ldb, m, n, k, accumulate);

                NumericAssert.Close(expected, c, what: $"C (transposeA {transposeA}, accumulate {accumulate})");
            }
    }

    static void MultiplyTransposedMatches<T>(int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (bool accumulate in new[] { false, true })
        {
            int lda = k + 1, ldb = k + 2, ldc = n + 3;
            var a = TestData.Uniform<T>(1, m * lda);
            var bt = TestData.Uniform<T>(2, n * ldb);
            var c = TestData.Uniform<T>(3, m * ldc);
            var expected = Naive(c, ldc, (i, p) => a[i * lda + p], (p, j) => bt[j * ldb + p], m, n, k, accumulate);

            Gemm.MultiplyTransposed<T>(c, ldc, a, lda, bt, ldb, m, n, k, accumulate);

            NumericAssert.Close(expected, c, what: $"C (accumulate {accumulate})");
        }
    }

    /// <summary>C (+)= A·B by definition; C's padding columns must come out unchanged.</summary>
    static T[] Naive<T>(T[] c, int ldc, Func<int, int, T> a, Func<int, int, T> b, int m, int n, int k, bool accumulate)
        where T : IFloatingPointIeee754<T>
    {
        var result = c.ToArray();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? double.CreateTruncating(c[i * ldc + j]) : 0;
                for (int p = 0; p < k; p++) sum += double.CreateTruncating(a(i, p)) * double.CreateTruncating(b(p, j));
                result[i * ldc + j] = T.CreateTruncating(sum);
            }
        return result;
    }
}
