using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class SoftmaxTests
{
    // samples, channels, spatial: rows (spatial 1, around the vector width), planes, one channel, no samples.
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 3, 10, 1 },
        { 2, 1, 1 },
        { 4, 17, 1 },
        { 2, 5, 12 },
        { 3, 3, 33 },
        { 1, 1, 7 },
        { 2, 16, 9 },
        { 0, 4, 6 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Matches_reference_in_float(int n, int channels, int spatial) => MatchReference<float>(n, channels, spatial);

    [Theory, MemberData(nameof(Shapes))]
    public void Matches_reference_in_double(int n, int channels, int spatial) => MatchReference<double>(n, channels, spatial);

    [Theory]
    [InlineData(3, 6, 1)]
    [InlineData(2, 4, 5)]
    [InlineData(1, 1, 3)]
    public void Gradients_match_finite_differences(int n, int channels, int spatial)
    {
        var x = TestData.Uniform<double>(1, n * channels * spatial, -3, 3);
        var y = new double[x.Length];
        new GradientChecker().Check(x.Length,
            output => Softmax.Forward<double>(output, x, n, channels, spatial),
            (dy, grads) =>
            {
                Softmax.Forward<double>(y, x, n, channels, spatial);
                Softmax.Backward<double>(grads[0], dy, y, n, channels, spatial);
            },
            ("x", x));
    }

    [Theory]
    [InlineData(3, 6, 1)]
    [InlineData(2, 4, 5)]
    public void Runs_in_place(int n, int channels, int spatial)
    {
        var x = TestData.Uniform<float>(1, n * channels * spatial, -3, 3);
        var dy = TestData.Uniform<float>(2, x.Length);
        var y = new float[x.Length];
        var dx = new float[x.Length];
        Softmax.Forward<float>(y, x, n, channels, spatial);
        Softmax.Backward<float>(dx, dy, y, n, channels, spatial);

        var inPlace = x.ToArray();
        Softmax.Forward<float>(inPlace, inPlace, n, channels, spatial);
        var gradient = dy.ToArray();
        Softmax.Backward<float>(gradient, gradient, inPlace, n, channels, spatial);

        Assert.Equal(y, inPlace);
        Assert.Equal(dx, gradient);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Large_inputs_stay_finite(int spatial)
    {
        // exp(1000) overflows float and double: only subtracting the maximum keeps these finite.
        var x = Enumerable.Range(0, 3 * spatial).Select(i => 1000f + i % 3).ToArray();
        var y = new float[x.Length];
        Softmax.Forward<float>(y, x, 1, 3, spatial);
        double total = Math.Exp(0) + Math.Exp(1) + Math.Exp(2);
        for (int i = 0; i < x.Length; i++) Assert.Equal(Math.Exp(x[i] - 1000) / total, y[i], 1e-6);
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Softmax.Forward<float>(new float[12], new float[11], 1, 3, 4));
        Assert.Equal("x", error.ParamName);
        Assert.Throws<ArgumentException>(() => Softmax.Backward<float>(new float[12], new float[12], new float[12], 1, 4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Softmax.Forward<float>([], [], 1, 0, 4));
    }

    static void MatchReference<T>(int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * channels * spatial, -4, 4);
        var dy = TestData.Uniform<T>(2, x.Length);
        var y = TestData.Uniform<T>(3, x.Length, 100, 200);   // must be overwritten
        var dx = TestData.Uniform<T>(4, x.Length, 100, 200);
        Softmax.Forward<T>(y, x, n, channels, spatial);
        Softmax.Backward<T>(dx, dy, y, n, channels, spatial);

        // The definitions, position by position in double, without the maximum (these inputs cannot overflow).
        var expectedY = new double[x.Length];
        var expectedDx = new double[x.Length];
        for (int s = 0; s < n; s++)
            for (int p = 0; p < spatial; p++)
            {
                int At(int c) => (s * channels + c) * spatial + p;
                double sum = Enumerable.Range(0, channels).Sum(c => Math.Exp(double.CreateTruncating(x[At(c)])));
                for (int c = 0; c < channels; c++) expectedY[At(c)] = Math.Exp(double.CreateTruncating(x[At(c)])) / sum;
                // dx_c = Σ_d dy_d · ∂y_d/∂x_c, with ∂y_d/∂x_c = y_d ([c = d] − y_c): the Jacobian, not the shortcut.
                for (int c = 0; c < channels; c++)
                    for (int d = 0; d < channels; d++)
                        expectedDx[At(c)] += double.CreateTruncating(dy[At(d)]) * expectedY[At(d)] * ((c == d ? 1 : 0) - expectedY[At(c)]);
            }
        NumericAssert.Close(TestData.Convert<T>(expectedY), y, what: "y");
        NumericAssert.Close(TestData.Convert<T>(expectedDx), dx, what: "dx");
    }
}
