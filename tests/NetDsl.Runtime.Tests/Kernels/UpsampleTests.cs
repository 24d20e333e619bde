using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class UpsampleTests
{
    public delegate void Pass<T>(Span<T> output, ReadOnlySpan<T> input, int n, in UpsampleGeometry g) where T : unmanaged, IFloatingPointIeee754<T>;

    // channels, height, width, scale height, scale width, samples
    public static TheoryData<int, int, int, int, int, int> Geometries => new()
    {
        { 2, 3, 4, 2, 2, 3 },
        { 1, 4, 3, 3, 3, 1 },
        { 3, 2, 5, 2, 3, 3 },     // different factors per axis
        { 2, 5, 2, 1, 4, 1 },     // one axis kept as it is
        { 1, 1, 3, 3, 2, 3 },     // a single row: both row taps are the edge
        { 2, 3, 3, 5, 1, 2 },     // an odd factor larger than the input
    };

    [Theory, MemberData(nameof(Geometries))]
    public void Gradients_match_finite_differences(int c, int h, int w, int sh, int sw, int n)
    {
        var g = new UpsampleGeometry(c, h, w, sh, sw);
        var x = TestData.Uniform<double>(1, n * g.InSize);
        var checker = new GradientChecker();
        checker.Check(n * g.OutSize, y => Upsample.NearestForward<double>(y, x, n, g),
            (dy, grads) => Upsample.NearestBackward<double>(grads[0], dy, n, g), ("x", x));
        checker.Check(n * g.OutSize, y => Upsample.BilinearForward<double>(y, x, n, g),
            (dy, grads) => Upsample.BilinearBackward<double>(grads[0], dy, n, g), ("x", x));
    }

    [Theory, MemberData(nameof(Geometries))]
    public void Nearest_matches_the_definition(int c, int h, int w, int sh, int sw, int n)
    {
        MatchesDefinition<float>(new(c, h, w, sh, sw), n, Upsample.NearestForward, Upsample.NearestBackward, Definition.Nearest);
        MatchesDefinition<double>(new(c, h, w, sh, sw), n, Upsample.NearestForward, Upsample.NearestBackward, Definition.Nearest);
    }

    [Theory, MemberData(nameof(Geometries))]
    public void Bilinear_matches_the_definition(int c, int h, int w, int sh, int sw, int n)
    {
        MatchesDefinition<float>(new(c, h, w, sh, sw), n, Upsample.BilinearForward, Upsample.BilinearBackward, Definition.Bilinear);
        MatchesDefinition<double>(new(c, h, w, sh, sw), n, Upsample.BilinearForward, Upsample.BilinearBackward, Definition.Bilinear);
    }

    [Fact]
    public void Bilinear_with_scale_one_is_the_identity()
    {
        var g = new UpsampleGeometry(2, 3, 4, 1, 1);
        var x = TestData.Uniform<double>(1, 2 * g.InSize);
        var y = new double[x.Length];
        Upsample.BilinearForward<double>(y, x, 2, g);
        Assert.Equal(x, y);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(2, -1)]
    public void Rejects_a_scale_below_one(int sh, int sw)
    {
        var g = new UpsampleGeometry(1, 2, 2, sh, sw);
        var error = Assert.Throws<ArgumentException>(() => Upsample.NearestForward<float>(new float[Math.Max(0, g.OutSize)], new float[4], 1, g));
        Assert.Equal("g", error.ParamName);
    }

    [Fact]
    public void Backward_rejects_a_gradient_of_the_input_size()
    {
        var g = new UpsampleGeometry(1, 2, 3, 2, 2);
        var error = Assert.Throws<ArgumentException>(() => Upsample.BilinearBackward<float>(new float[g.InSize], new float[g.InSize], 1, g));
        Assert.Equal("dy", error.ParamName);
    }

    static void MatchesDefinition<T>(UpsampleGeometry g, int n, Pass<T> forward, Pass<T> backward, Definition.Weights weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * g.InSize);
        var dy = TestData.Uniform<T>(2, n * g.OutSize);
        // Stale values must be overwritten, not added to.
        var y = TestData.Uniform<T>(3, n * g.OutSize, 100, 200);
        var dx = TestData.Uniform<T>(4, n * g.InSize, 100, 200);

        forward(y, x, n, g);
        backward(dx, dy, n, g);

        var (yRef, dxRef) = Definition.Run(x, dy, n, g, weights);
        NumericAssert.Close(yRef, y, what: "y");
        NumericAssert.Close(dxRef, dx, what: "dx");
    }

    /// <summary>
    /// PyTorch's formulas in double, one axis at a time: the weight with which output o reads input i (0 if it
    /// doesn't); an output is Σ over inputs of row weight × column weight × x, and dx the same sum over outputs.
    /// </summary>
    internal static class Definition
    {
        public delegate double Weights(int o, int i, int scale, int size);

        public static double Nearest(int o, int i, int scale, int size) => (int)Math.Floor(o / (double)scale) == i ? 1 : 0;

        public static double Bilinear(int o, int i, int scale, int size)
        {
            double source = Math.Max(0, (o + 0.5) / scale - 0.5);
            int low = (int)Math.Floor(source), high = Math.Min(low + 1, size - 1);
            double lambda = source - low;
            return (low == i ? 1 - lambda : 0) + (high == i ? lambda : 0);
        }

        public static (T[] Y, T[] Dx) Run<T>(T[] x, T[] dy, int n, UpsampleGeometry g, Weights weight) where T : IFloatingPointIeee754<T>
        {
            int h = g.Height, w = g.Width, ho = g.OutHeight, wo = g.OutWidth;
            var y = new double[n * g.OutSize];
            var dx = new double[n * g.InSize];
            for (int plane = 0; plane < n * g.Channels; plane++)
                for (int oh = 0; oh < ho; oh++)
                    for (int ow = 0; ow < wo; ow++)
                        for (int ih = 0; ih < h; ih++)
                            for (int iw = 0; iw < w; iw++)
                            {
                                double a = weight(oh, ih, g.ScaleHeight, h) * weight(ow, iw, g.ScaleWidth, w);
                                int input = (plane * h + ih) * w + iw, output = (plane * ho + oh) * wo + ow;
                                y[output] += a * double.CreateTruncating(x[input]);
                                dx[input] += a * double.CreateTruncating(dy[output]);
                            }
            return (TestData.Convert<T>(y), TestData.Convert<T>(dx));
        }
    }
}
