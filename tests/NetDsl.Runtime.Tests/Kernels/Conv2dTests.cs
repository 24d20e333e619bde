using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class Conv2dTests
{
    // in channels, height, width, out channels, kernel, stride, padding, samples
    public static TheoryData<int, int, int, int, int, int, int, int> Geometries => new()
    {
        { 1, 5, 5, 1, 1, 1, 0, 1 },     // pointwise: x is used as the im2col matrix directly
        { 3, 6, 5, 7, 1, 1, 0, 3 },     // pointwise, several channels and samples
        { 3, 7, 7, 4, 1, 2, 0, 1 },     // 1×1 but strided: goes through im2col
        { 1, 5, 5, 2, 1, 1, 1, 3 },     // 1×1 with padding: a border of pure bias
        { 1, 7, 7, 3, 3, 1, 0, 1 },
        { 3, 7, 6, 2, 3, 1, 1, 3 },
        { 3, 8, 9, 5, 3, 2, 1, 3 },     // stride doesn't divide the padded input
        { 1, 10, 10, 4, 3, 3, 0, 1 },   // stride 3, last input column unused
        { 3, 11, 7, 2, 3, 3, 2, 3 },
        { 2, 4, 4, 3, 3, 1, 2, 1 },     // padding 2 with kernel 3: border outputs see only zeros
        { 1, 3, 3, 2, 5, 1, 1, 3 },     // kernel larger than the input
        { 1, 9, 9, 6, 5, 1, 2, 3 },     // LeNet-5 conv1, smaller image
        { 3, 9, 8, 7, 5, 2, 2, 3 },
        { 2, 12, 11, 13, 5, 3, 1, 1 },
        { 6, 14, 14, 16, 5, 1, 0, 1 },  // LeNet-5 conv2: several GEMM tiles, a ragged edge, dw by outer products
        { 12, 6, 6, 3, 5, 1, 0, 3 },    // Patch 300 > one GEMM depth block
        { 8, 6, 6, 20, 3, 1, 1, 2 },    // dw by outer products with a ragged panel of output channels
    };

    // A smaller set for finite differences, which cost two forward passes per input element.
    public static TheoryData<int, int, int, int, int, int, int, int> GradientGeometries => new()
    {
        { 2, 4, 5, 3, 1, 1, 0, 2 },
        { 1, 5, 5, 2, 1, 2, 1, 1 },
        { 2, 5, 6, 3, 3, 1, 1, 2 },
        { 3, 7, 6, 2, 3, 2, 0, 2 },
        { 1, 8, 7, 2, 5, 1, 2, 1 },
        { 2, 7, 7, 2, 3, 3, 2, 1 },
        { 3, 6, 6, 5, 3, 1, 1, 2 },     // enough output channels for dw by outer products (in double)
    };

    [Theory, MemberData(nameof(Geometries))]
    public void Forward_matches_reference_in_float(int cin, int h, int w, int cout, int k, int stride, int pad, int n) =>
        ForwardMatchesReference<float>(new(cin, h, w, cout, k, stride, pad), n);

    [Theory, MemberData(nameof(Geometries))]
    public void Forward_matches_reference_in_double(int cin, int h, int w, int cout, int k, int stride, int pad, int n) =>
        ForwardMatchesReference<double>(new(cin, h, w, cout, k, stride, pad), n);

    [Theory, MemberData(nameof(Geometries))]
    public void Backward_matches_reference_in_float(int cin, int h, int w, int cout, int k, int stride, int pad, int n) =>
        BackwardMatchesReference<float>(new(cin, h, w, cout, k, stride, pad), n);

    [Theory, MemberData(nameof(Geometries))]
    public void Backward_matches_reference_in_double(int cin, int h, int w, int cout, int k, int stride, int pad, int n) =>
        BackwardMatchesReference<double>(new(cin, h, w, cout, k, stride, pad), n);

    [Theory, MemberData(nameof(GradientGeometries))]
    public void Gradients_match_finite_differences(int cin, int h, int w, int cout, int k, int stride, int pad, int n)
    {
        var g = new ConvGeometry(cin, h, w, cout, k, stride, pad);
        var x = TestData.Uniform<double>(1, n * g.InSize);
        var weights = TestData.Uniform<double>(2, cout * g.Patch);
        var bias = TestData.Uniform<double>(3, cout);
        var scratch = new double[g.ScratchLength];
        new GradientChecker().Check(n * g.OutSize,
            y => Conv2d.Forward<double>(y, x, weights, bias, scratch, n, g),
            (dy, grads) => Conv2d.Backward<double>(grads[0], grads[1], grads[2], dy, x, weights, scratch, n, g),
            ("x", x), ("w", weights), ("b", bias));
    }

    [Theory, MemberData(nameof(GradientGeometries))]
    public void Gradients_without_bias_match_finite_differences(int cin, int h, int w, int cout, int k, int stride, int pad, int n)
    {
        var g = new ConvGeometry(cin, h, w, cout, k, stride, pad);
        var x = TestData.Uniform<double>(1, n * g.InSize);
        var weights = TestData.Uniform<double>(2, cout * g.Patch);
        var scratch = new double[g.ScratchLength];
        new GradientChecker().Check(n * g.OutSize,
            y => Conv2d.Forward<double>(y, x, weights, [], scratch, n, g),
            (dy, grads) => Conv2d.Backward<double>(grads[0], grads[1], [], dy, x, weights, scratch, n, g),
            ("x", x), ("w", weights));
    }

    // Pointwise (x is the im2col matrix) and im2col geometries, including a GEMM depth of several blocks.
    [Theory]
    [InlineData(3, 6, 5, 7, 1, 1, 0, 3)]
    [InlineData(3, 8, 9, 5, 3, 2, 1, 3)]
    [InlineData(6, 14, 14, 16, 5, 1, 0, 1)]
    [InlineData(12, 6, 6, 3, 5, 1, 0, 3)]
    public void Without_bias_matches_reference_with_a_zero_bias(int cin, int h, int w, int cout, int k, int stride, int pad, int n)
    {
        WithoutBias<float>(new(cin, h, w, cout, k, stride, pad), n);
        WithoutBias<double>(new(cin, h, w, cout, k, stride, pad), n);
    }

    [Fact]
    public void Rejects_a_bias_of_the_wrong_length()
    {
        var g = new ConvGeometry(1, 5, 5, 2, 3, 1, 0);
        var error = Assert.Throws<ArgumentException>(() =>
            Conv2d.Forward<float>(new float[g.OutSize], new float[g.InSize], new float[2 * 9], new float[1], new float[g.ScratchLength], 1, g));
        Assert.Equal("b", error.ParamName);
        Assert.Contains("expected 2 elements (or none), got 1", error.Message);
    }

    [Fact]
    public void Backward_without_dx_still_accumulates_parameter_gradients()
    {
        var g = new ConvGeometry(3, 8, 9, 5, 3, 2, 1);
        const int n = 2;
        var x = TestData.Uniform<double>(1, n * g.InSize);
        var w = TestData.Uniform<double>(2, g.OutChannels * g.Patch);
        var dy = TestData.Uniform<double>(3, n * g.OutSize);
        var (_, dwExpected, dbExpected) = Reference.ConvBackward(dy, x, w, n, g);
        var dw = new double[w.Length];
        var db = new double[g.OutChannels];

        Conv2d.Backward<double>(Span<double>.Empty, dw, db, dy, x, w, new double[g.ScratchLength], n, g);

        NumericAssert.Close(dwExpected, dw, what: "dw");
        NumericAssert.Close(dbExpected, db, what: "db");
    }

    [Fact]
    public void Forward_rejects_an_output_of_the_wrong_length()
    {
        var g = new ConvGeometry(1, 5, 5, 2, 3, 1, 0);
        var error = Assert.Throws<ArgumentException>(() =>
            Conv2d.Forward<float>(new float[2 * g.OutSize - 1], new float[g.InSize * 2], new float[2 * 9], new float[2], new float[g.ScratchLength], 2, g));
        Assert.Equal("y", error.ParamName);
        Assert.Contains($"expected {2 * g.OutSize}", error.Message);
        Assert.Contains($"got {2 * g.OutSize - 1}", error.Message);
    }

    [Fact]
    public void Backward_rejects_too_little_scratch_and_a_wrong_sized_dx()
    {
        var g = new ConvGeometry(2, 6, 6, 3, 3, 1, 1);
        float[] x = new float[g.InSize], w = new float[3 * g.Patch], dy = new float[g.OutSize];
        var scratch = Assert.Throws<ArgumentException>(() =>
            Conv2d.Backward<float>(new float[g.InSize], new float[w.Length], new float[3], dy, x, w, new float[g.ScratchLength - 1], 1, g));
        Assert.Equal("scratch", scratch.ParamName);
        var dx = Assert.Throws<ArgumentException>(() =>
            Conv2d.Backward<float>(new float[g.InSize + 1], new float[w.Length], new float[3], dy, x, w, new float[g.ScratchLength], 1, g));
        Assert.Equal("dx", dx.ParamName);
    }

    [Fact]
    public void Forward_rejects_a_kernel_larger_than_the_padded_input()
    {
        var g = new ConvGeometry(1, 4, 4, 1, 7, 2, 1); // 4 + 2 < 7, yet (6 - 7) / 2 + 1 == 1 by truncation
        Assert.Throws<ArgumentException>(() =>
            Conv2d.Forward<float>(new float[1], new float[16], new float[49], new float[1], new float[1024], 1, g));
    }

    internal static void WithoutBias<T>(ConvGeometry g, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * g.InSize);
        var w = TestData.Uniform<T>(2, g.OutChannels * g.Patch);
        var dy = TestData.Uniform<T>(3, n * g.OutSize);
        var y = TestData.Uniform<T>(4, n * g.OutSize, 100, 200); // stale: must be overwritten, not added to
        var dx = TestData.Uniform<T>(5, n * g.InSize, 100, 200);
        var dw0 = TestData.Uniform<T>(6, w.Length);
        var scratch = TestData.Uniform<T>(7, g.ScratchLength, 100, 200);
        var zero = new T[g.OutChannels];
        var (dxRef, dwRef, _) = Reference.ConvBackward(dy, x, w, n, g);
        var dw = dw0.ToArray();

        Conv2d.Forward<T>(y, x, w, [], scratch, n, g);
        Conv2d.Backward<T>(dx, dw, [], dy, x, w, scratch, n, g);

        NumericAssert.Close(Reference.ConvForward(x, w, zero, n, g), y, what: "y");
        NumericAssert.Close(dxRef, dx, what: "dx");
        NumericAssert.Close(Reference.Add(dw0, dwRef), dw, what: "dw");
    }

    internal static void ForwardMatchesReference<T>(ConvGeometry g, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * g.InSize);
        var w = TestData.Uniform<T>(2, g.OutChannels * g.Patch);
        var b = TestData.Uniform<T>(3, g.OutChannels);
        // Stale values in y and scratch must not leak into the result.
        var y = TestData.Uniform<T>(4, n * g.OutSize, 100, 200);
        var scratch = TestData.Uniform<T>(5, g.ScratchLength, 100, 200);

        Conv2d.Forward<T>(y, x, w, b, scratch, n, g);

        NumericAssert.Close(Reference.ConvForward(x, w, b, n, g), y, what: "y");
    }

    internal static void BackwardMatchesReference<T>(ConvGeometry g, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * g.InSize);
        var w = TestData.Uniform<T>(2, g.OutChannels * g.Patch);
        var dy = TestData.Uniform<T>(3, n * g.OutSize);
        var dx = TestData.Uniform<T>(4, n * g.InSize, 100, 200);
        // dw and db accumulate: start them from earlier partial sums.
        var dw0 = TestData.Uniform<T>(5, w.Length);
        var db0 = TestData.Uniform<T>(6, g.OutChannels);
        var (dxRef, dwRef, dbRef) = Reference.ConvBackward(dy, x, w, n, g);
        T[] dw = dw0.ToArray(), db = db0.ToArray();

        Conv2d.Backward<T>(dx, dw, db, dy, x, w, TestData.Uniform<T>(7, g.ScratchLength, 100, 200), n, g);

        NumericAssert.Close(dxRef, dx, what: "dx");
        NumericAssert.Close(Reference.Add(dw0, dwRef), dw, what: "dw");
        NumericAssert.Close(Reference.Add(db0, dbRef), db, what: "db");
    }
}
