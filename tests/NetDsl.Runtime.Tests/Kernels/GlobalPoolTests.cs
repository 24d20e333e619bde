using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class GlobalPoolTests
{
    // samples, channels, spatial
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },     // a 1×1 map: pooling is the identity
        { 2, 3, 5 },     // shorter than a vector
        { 3, 4, 49 },    // ResNet's 7×7 head: whole vectors and a tail
        { 2, 16, 64 },   // whole vectors only
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Matches_reference_in_float(int n, int channels, int spatial) => MatchesReference<float>(n, channels, spatial);

    [Theory, MemberData(nameof(Shapes))]
    public void Matches_reference_in_double(int n, int channels, int spatial) => MatchesReference<double>(n, channels, spatial);

    [Theory, MemberData(nameof(Shapes))]
    public void Avg_gradients_match_finite_differences(int n, int channels, int spatial)
    {
        var x = TestData.Uniform<double>(1, n * channels * spatial);
        new GradientChecker().Check(n * channels,
            y => GlobalPool.AvgForward<double>(y, x, n, channels, spatial),
            (dy, grads) => GlobalPool.AvgBackward<double>(grads[0], dy, n, channels, spatial),
            ("x", x));
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Max_gradients_match_finite_differences(int n, int channels, int spatial)
    {
        var x = TestData.DistinctShuffled<double>(1, n * channels * spatial);
        new GradientChecker().Check(n * channels,
            y => GlobalPool.MaxForward<double>(y, x, n, channels, spatial),
            (dy, grads) => GlobalPool.MaxBackward<double>(grads[0], dy, x, n, channels, spatial),
            ("x", x));
    }

    [Fact]
    public void Max_sends_the_gradient_to_the_first_maximum_and_a_NaN_takes_over()
    {
        // Plane 0: a tie (3 at 1 and 4). Plane 1: −0 before +0, equal as PyTorch compares. Plane 2: a NaN after the max.
        float[] x = [1, 3, 2, -1, 3, -0f, -1, 0f, -2, -3, 5, 1, float.NaN, 9, float.NaN];
        var y = new float[3];
        var dx = new float[x.Length];
        float[] dy = [10, 20, 30];

        GlobalPool.MaxForward<float>(y, x, 1, 3, 5);
        GlobalPool.MaxBackward<float>(dx, dy, x, 1, 3, 5);

        Assert.Equal(3f, y[0]);
        Assert.True(float.IsNegative(y[1]) && y[1] == 0, "the first of −0 and +0 is the maximum");
        Assert.True(float.IsNaN(y[2]));
        float[] expected = [0, 10, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 30, 0, 0];
        Assert.Equal(expected, dx);
    }

    [Fact]
    public void Rejects_an_output_of_the_wrong_length()
    {
        var error = Assert.Throws<ArgumentException>(() => GlobalPool.AvgForward<float>(new float[5], new float[2 * 3 * 4], 2, 3, 4));
        Assert.Equal("y", error.ParamName);
        Assert.Contains("expected 6 elements, got 5", error.Message);
    }

    static void MatchesReference<T>(int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * channels * spatial);
        var dy = TestData.Uniform<T>(2, n * channels);
        var planes = Enumerable.Range(0, n * channels).Select(p => x.Skip(p * spatial).Take(spatial).Select(double.CreateTruncating).ToArray()).ToArray();
        var dx = TestData.Uniform<T>(3, x.Length, 100, 200); // must be overwritten
        var y = new T[n * channels];

        GlobalPool.AvgForward<T>(y, x, n, channels, spatial);
        NumericAssert.Close(TestData.Convert<T>(planes.Select(p => p.Average()).ToArray()), y, what: "avg y");
        GlobalPool.AvgBackward<T>(dx, dy, n, channels, spatial);
        NumericAssert.Close(TestData.Convert<T>(x.Select((_, i) => double.CreateTruncating(dy[i / spatial]) / spatial).ToArray()), dx, what: "avg dx");

        GlobalPool.MaxForward<T>(y, x, n, channels, spatial);
        Assert.Equal(planes.Select(p => T.CreateTruncating(p.Max())).ToArray(), y);
        GlobalPool.MaxBackward<T>(dx, dy, x, n, channels, spatial);
        var expected = new T[x.Length];
        for (int p = 0; p < planes.Length; p++) expected[p * spatial + Array.IndexOf(planes[p], planes[p].Max())] = dy[p];
        Assert.Equal(expected, dx);
    }
}
