using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class ConvTranspose2dTests
{
    // in channels, height, width, out channels, kernel, stride, padding, output padding, samples
    public static TheoryData<int, int, int, int, int, int, int, int, int> Geometries => new()
    {
        { 3, 5, 4, 2, 1, 1, 0, 0, 3 },     // pointwise: the adjoint convolution needs no im2col
        { 2, 4, 5, 3, 3, 1, 1, 0, 1 },     // stride 1 pad 1: same size
        { 3, 4, 4, 2, 2, 2, 0, 0, 3 },     // the DCGAN/U-Net doubling: taps never overlap
        { 2, 3, 5, 4, 3, 2, 1, 1, 1 },     // doubling with output padding, non-square
        { 1, 4, 3, 2, 4, 2, 1, 0, 3 },     // kernel 4 stride 2 pad 1 (DCGAN)
        { 2, 3, 4, 3, 3, 3, 0, 2, 3 },     // stride 3 with the largest output padding
        { 3, 4, 2, 2, 5, 3, 2, 1, 1 },     // stride 3, padding crops more than one tap
        { 1, 2, 2, 5, 3, 2, 2, 1, 3 },     // padding 2 crops the border down to the inner taps
        { 6, 7, 6, 16, 5, 2, 1, 1, 2 },    // several GEMM tiles; dw by outer products in float
    };

    // A smaller set for finite differences, which cost two forward passes per input element.
    public static TheoryData<int, int, int, int, int, int, int, int, int> GradientGeometries => new()
    {
        { 2, 3, 4, 3, 1, 1, 0, 0, 2 },
        { 2, 3, 3, 2, 3, 1, 1, 0, 1 },
        { 2, 3, 4, 2, 3, 2, 1, 1, 2 },
        { 1, 3, 2, 3, 4, 2, 1, 0, 3 },
        { 2, 2, 3, 2, 3, 3, 0, 2, 1 },
        { 1, 3, 3, 2, 5, 3, 2, 1, 2 },
        { 3, 3, 3, 5, 3, 2, 0, 1, 2 },     // enough output channels for dw by outer products (in double)
    };

    [Theory, MemberData(nameof(Geometries))]
    public void Forward_and_backward_match_the_definition_in_float(int cin, int h, int w, int cout, int k, int s, int p, int op, int n) =>
        MatchesDefinition<float>(new(cin, h, w, cout, k, s, p, op), n, bias: true);

    [Theory, MemberData(nameof(Geometries))]
    public void Forward_and_backward_match_the_definition_in_double(int cin, int h, int w, int cout, int k, int s, int p, int op, int n) =>
        MatchesDefinition<double>(new(cin, h, w, cout, k, s, p, op), n, bias: true);

    [Theory, MemberData(nameof(Geometries))]
    public void Without_bias_matches_the_definition_with_a_zero_bias(int cin, int h, int w, int cout, int k, int s, int p, int op, int n) =>
        MatchesDefinition<float>(new(cin, h, w, cout, k, s, p, op), n, bias: false);

    [Theory, MemberData(nameof(GradientGeometries))]
    public void Gradients_match_finite_differences(int cin, int h, int w, int cout, int k, int s, int p, int op, int n)
    {
        var g = new ConvTransposeGeometry(cin, h, w, cout, k, s, p, op);
        var x = TestData.Uniform<double>(1, n * g.InSize);
        var weights = TestData.Uniform<double>(2, g.WeightLength);
        var bias = TestData.Uniform<double>(3, cout);
        var scratch = new double[g.ScratchLength];
        new GradientChecker().Check(n * g.OutSize,
            y => ConvTranspose2d.Forward<double>(y, x, weights, bias, scratch, n, g),
            (dy, grads) => ConvTranspose2d.Backward<double>(grads[0], grads[1], grads[2], dy, x, weights, scratch, n, g),
            ("x", x), ("w", weights), ("b", bias));
    }

    [Theory, MemberData(nameof(GradientGeometries))]
    public void Gradients_without_bias_match_finite_differences(int cin, int h, int w, int cout, int k, int s, int p, int op, int n)
    {
        var g = new ConvTransposeGeometry(cin, h, w, cout, k, s, p, op);
        var x = TestData.Uniform<double>(1, n * g.InSize);
        var weights = TestData.Uniform<double>(2, g.WeightLength);
        var scratch = new double[g.ScratchLength];
        new GradientChecker().Check(n * g.OutSize,
            y => ConvTranspose2d.Forward<double>(y, x, weights, [], scratch, n, g),
            (dy, grads) => ConvTranspose2d.Backward<double>(grads[0], grads[1], [], dy, x, weights, scratch, n, g),
            ("x", x), ("w", weights));
    }

    [Fact]
    public void Backward_without_dx_still_accumulates_parameter_gradients()
    {
        var g = new ConvTransposeGeometry(2, 3, 5, 4, 3, 2, 1, 1);
        const int n = 2;
        var x = TestData.Uniform<double>(1, n * g.InSize);
        var w = TestData.Uniform<double>(2, g.WeightLength);
        var dy = TestData.Uniform<double>(3, n * g.OutSize);
        var (_, dwExpected, dbExpected) = Definition.Backward(dy, x, w, n, g);
        var dw = new double[w.Length];
        var db = new double[g.OutChannels];

        ConvTranspose2d.Backward<double>(Span<double>.Empty, dw, db, dy, x, w, new double[g.ScratchLength], n, g);

        NumericAssert.Close(dwExpected, dw, what: "dw");
        NumericAssert.Close(dbExpected, db, what: "db");
    }

    [Fact]
    public void Output_size_is_pytorchs()
    {
        // nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1) on 5×7 gives 10×14.
        var g = new ConvTransposeGeometry(1, 5, 7, 1, 3, 2, 1, 1);
        Assert.Equal((10, 14), (g.OutHeight, g.OutWidth));
    }

    [Theory]
    [InlineData(1, 2, 0, 2)]   // output padding must stay below the stride
    [InlineData(1, 1, 0, 1)]
    [InlineData(3, 1, 2, 0)]   // 1·0 − 4 + 3: nothing left after the crop
    [InlineData(3, 2, -1, 0)]
    public void Rejects_an_invalid_geometry(int k, int stride, int padding, int outputPadding)
    {
        var g = new ConvTransposeGeometry(1, 1, 1, 1, k, stride, padding, outputPadding);
        var error = Assert.Throws<ArgumentException>(() =>
            ConvTranspose2d.Forward<float>(new float[Math.Max(0, g.OutSize)], new float[1], new float[k * k], [], new float[1024], 1, g));
        Assert.Equal("g", error.ParamName);
    }

    [Fact]
    public void Rejects_weights_in_the_convolution_layout_when_the_channel_counts_differ()
    {
        var g = new ConvTransposeGeometry(2, 4, 4, 3, 3, 2, 1, 1);
        var error = Assert.Throws<ArgumentException>(() =>
            ConvTranspose2d.Forward<float>(new float[g.OutSize], new float[g.InSize], new float[3 * 9], [], new float[g.ScratchLength], 1, g));
        Assert.Equal("w", error.ParamName);
    }

    static void MatchesDefinition<T>(ConvTransposeGeometry g, int n, bool bias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * g.InSize);
        var w = TestData.Uniform<T>(2, g.WeightLength);
        var b = bias ? TestData.Uniform<T>(3, g.OutChannels) : [];
        var dy = TestData.Uniform<T>(4, n * g.OutSize);
        // Stale values in y, dx and scratch must be overwritten; dw and db accumulate onto earlier partial sums.
        var y = TestData.Uniform<T>(5, n * g.OutSize, 100, 200);
        var dx = TestData.Uniform<T>(6, n * g.InSize, 100, 200);
        var dw0 = TestData.Uniform<T>(7, w.Length);
        var db0 = TestData.Uniform<T>(8, g.OutChannels);
        var scratch = TestData.Uniform<T>(9, g.ScratchLength, 100, 200);
        T[] dw = dw0.ToArray(), db = bias ? db0.ToArray() : [];

        ConvTranspose2d.Forward<T>(y, x, w, b, scratch, n, g);
        ConvTranspose2d.Backward<T>(dx, dw, db, dy, x, w, scratch, n, g);

        var (dxRef, dwRef, dbRef) = Definition.Backward(dy, x, w, n, g);
        NumericAssert.Close(Definition.Forward(x, w, bias ? b : new T[g.OutChannels], n, g), y, what: "y");
        NumericAssert.Close(dxRef, dx, what: "dx");
        NumericAssert.Close(Reference.Add(dw0, dwRef), dw, what: "dw");
        if (bias) NumericAssert.Close(Reference.Add(db0, dbRef), db, what: "db");
    }

    /// <summary>
    /// PyTorch's definition as direct loops in double: input pixel (ih, iw) adds w[ci, co, kh, kw] · x onto output
    /// (ih·S − P + kh, iw·S − P + kw) when that lies inside the output; the backward visits the same (input, tap) pairs.
    /// </summary>
    internal static class Definition
    {
        delegate void Pair(int s, int ci, int co, int kh, int kw, int xi, int yi);

        static void ForEachPair(int n, ConvTransposeGeometry g, Pair visit)
        {
            int k = g.Kernel;
            for (int s = 0; s < n; s++)
                for (int ci = 0; ci < g.InChannels; ci++)
                    for (int ih = 0; ih < g.Height; ih++)
                        for (int iw = 0; iw < g.Width; iw++)
                            for (int co = 0; co < g.OutChannels; co++)
                                for (int kh = 0; kh < k; kh++)
                                    for (int kw = 0; kw < k; kw++)
                                    {
                                        int oh = ih * g.Stride - g.Padding + kh, ow = iw * g.Stride - g.Padding + kw;
                                        if (oh < 0 || oh >= g.OutHeight || ow < 0 || ow >= g.OutWidth) continue;
                                        visit(s, ci, co, kh, kw, ((s * g.InChannels + ci) * g.Height + ih) * g.Width + iw,
                                            ((s * g.OutChannels + co) * g.OutHeight + oh) * g.OutWidth + ow);
                                    }
        }

        static int Weight(ConvTransposeGeometry g, int ci, int co, int kh, int kw) => ((ci * g.OutChannels + co) * g.Kernel + kh) * g.Kernel + kw;

        public static T[] Forward<T>(T[] x, T[] w, T[] b, int n, ConvTransposeGeometry g) where T : IFloatingPointIeee754<T>
        {
            int pixels = g.OutHeight * g.OutWidth;
            var y = new double[n * g.OutSize];
            for (int i = 0; i < y.Length; i++) y[i] = double.CreateTruncating(b[i / pixels % g.OutChannels]);
            ForEachPair(n, g, (s, ci, co, kh, kw, xi, yi) => y[yi] += double.CreateTruncating(x[xi]) * double.CreateTruncating(w[Weight(g, ci, co, kh, kw)]));
            return TestData.Convert<T>(y);
        }

        public static (T[] Dx, T[] Dw, T[] Db) Backward<T>(T[] dy, T[] x, T[] w, int n, ConvTransposeGeometry g) where T : IFloatingPointIeee754<T>
        {
            int pixels = g.OutHeight * g.OutWidth;
            var dx = new double[n * g.InSize];
            var dw = new double[g.WeightLength];
            var db = new double[g.OutChannels];
            for (int i = 0; i < dy.Length; i++) db[i / pixels % g.OutChannels] += double.CreateTruncating(dy[i]);
            ForEachPair(n, g, (s, ci, co, kh, kw, xi, yi) =>
            {
                dx[xi] += double.CreateTruncating(dy[yi]) * double.CreateTruncating(w[Weight(g, ci, co, kh, kw)]);
                dw[Weight(g, ci, co, kh, kw)] += double.CreateTruncating(dy[yi]) * double.CreateTruncating(x[xi]);
            });
            return (TestData.Convert<T>(dx), TestData.Convert<T>(dw), TestData.Convert<T>(db));
        }
    }
}
