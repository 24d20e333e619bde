using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class JoinTests
{
    [Fact]
    public void Concat_places_each_sample_block_at_its_offset_and_backward_takes_it_back()
    {
        // Two samples of a (2 + 3)-channel concatenation of 1×2 maps: a has 2 channels, b has 3.
        const int n = 2, aSize = 4, bSize = 6, ySize = aSize + bSize;
        float[] a = [1, 2, 3, 4, /**/ 5, 6, 7, 8];
        float[] b = [10, 11, 12, 13, 14, 15, /**/ 16, 17, 18, 19, 20, 21];
        var y = new float[n * ySize];

        Join.ConcatForward<float>(y, a, n, ySize, aSize, 0);
        Join.ConcatForward<float>(y, b, n, ySize, bSize, aSize);

        float[] expected = [1, 2, 3, 4, 10, 11, 12, 13, 14, 15, /**/ 5, 6, 7, 8, 16, 17, 18, 19, 20, 21];
        Assert.Equal(expected, y);
        var da = new float[a.Length];
        var db = Enumerable.Repeat(99f, b.Length).ToArray(); // overwritten
        Join.ConcatBackward<float>(da, y, n, ySize, aSize, 0);
        Join.ConcatBackward<float>(db, y, n, ySize, bSize, aSize);
        Assert.Equal(a, da);
        Assert.Equal(b, db);
    }

    [Fact]
    public void Concat_gradients_match_finite_differences()
    {
        const int n = 3, aSize = 5, bSize = 7, ySize = aSize + bSize;
        var a = TestData.Uniform<double>(1, n * aSize);
        var b = TestData.Uniform<double>(2, n * bSize);
        new GradientChecker().Check(n * ySize,
            y =>
            {
                Join.ConcatForward<double>(y, a, n, ySize, aSize, 0);
                Join.ConcatForward<double>(y, b, n, ySize, bSize, aSize);
            },
            (dy, grads) =>
            {
                Join.ConcatBackward<double>(grads[0], dy, n, ySize, aSize, 0);
                Join.ConcatBackward<double>(grads[1], dy, n, ySize, bSize, aSize);
            },
            ("a", a), ("b", b));
    }

    /// <summary>y = a + b, then b is read again by a second consumer (y2 = 2b): b's gradient sums both paths.</summary>
    [Fact]
    public void Add_and_gradient_accumulation_match_finite_differences()
    {
        var a = TestData.Uniform<double>(1, 9);
        var b = TestData.Uniform<double>(2, 9);
        new GradientChecker().Check(18,
            y =>
            {
                Join.Add<double>(y[..9], a, b);
                Join.Add<double>(y[9..], b, b);
            },
            (dy, grads) =>
            {
                Join.Copy<double>(grads[0], dy[..9]);
                Join.Copy<double>(grads[1], dy[..9]);
                Join.Accumulate<double>(grads[1], dy[9..]);
                Join.Accumulate<double>(grads[1], dy[9..]);
            },
            ("a", a), ("b", b));
    }

    [Fact]
    public void Add_may_write_over_an_operand()
    {
        var a = TestData.Uniform<float>(1, 19);
        var b = TestData.Uniform<float>(2, 19);
        float[] sum = [.. a.Zip(b, (u, v) => u + v)];
        Join.Add<float>(a, a, b);
        Assert.Equal(sum, a);
    }

    [Fact]
    public void Rejects_a_block_that_does_not_fit_in_the_sample()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Join.ConcatForward<float>(new float[20], new float[8], 2, 10, 4, 7));
        var error = Assert.Throws<ArgumentException>(() => Join.ConcatBackward<float>(new float[9], new float[20], 2, 10, 4, 0));
        Assert.Equal("dx", error.ParamName);
        Assert.Contains("expected 8 elements, got 9", error.Message);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => Join.Accumulate<float>(new float[3], new float[4])).ParamName);
    }
}
