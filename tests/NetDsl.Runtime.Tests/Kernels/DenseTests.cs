using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class DenseTests
{
    // samples, inputs, outputs
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 5, 3 }, { 3, 17, 13 }, { 7, 9, 33 }, { 2, 8, 8 }, { 4, 3, 20 },
        { 13, 120, 84 }, { 5, 400, 120 }, { 32, 84, 10 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Forward_matches_reference_in_float(int n, int inputs, int outputs) => ForwardMatchesReference<float>(n, inputs, outputs);

    [Theory, MemberData(nameof(Shapes))]
    public void Forward_matches_reference_in_double(int n, int inputs, int outputs) => ForwardMatchesReference<double>(n, inputs, outputs);

    [Theory, MemberData(nameof(Shapes))]
    public void Backward_matches_reference_in_float(int n, int inputs, int outputs) => BackwardMatchesReference<float>(n, inputs, outputs);

    [Theory, MemberData(nameof(Shapes))]
    public void Backward_matches_reference_in_double(int n, int inputs, int outputs) => BackwardMatchesReference<double>(n, inputs, outputs);

    [Theory]
    [InlineData(1, 4, 3)]
    [InlineData(3, 11, 7)]
    [InlineData(4, 9, 13)]
    public void Gradients_match_finite_differences(int n, int inputs, int outputs)
    {
        var x = TestData.Uniform<double>(1, n * inputs);
        var w = TestData.Uniform<double>(2, outputs * inputs);
        var b = TestData.Uniform<double>(3, outputs);
        new GradientChecker().Check(n * outputs,
            y => Dense.Forward<double>(y, x, w, b, n, inputs, outputs),
            (dy, grads) => Dense.Backward<double>(grads[0], grads[1], grads[2], dy, x, w, n, inputs, outputs),
            ("x", x), ("w", w), ("b", b));
    }

    [Fact]
    public void Backward_without_dx_still_accumulates_parameter_gradients()
    {
        const int n = 3, inputs = 10, outputs = 6;
        var x = TestData.Uniform<float>(1, n * inputs);
        var w = TestData.Uniform<float>(2, outputs * inputs);
        var dy = TestData.Uniform<float>(3, n * outputs);
        var (_, dwRef, dbRef) = Reference.DenseBackward(dy, x, w, n, inputs, outputs);
        var dw = new float[w.Length];
        var db = new float[outputs];

        Dense.Backward<float>(Span<float>.Empty, dw, db, dy, x, w, n, inputs, outputs);

        NumericAssert.Close(dwRef, dw, what: "dw");
        NumericAssert.Close(dbRef, db, what: "db");
    }

    [Fact]
    public void Rejects_weights_of_the_wrong_length()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Dense.Forward<float>(new float[2 * 3], new float[2 * 4], new float[4 * 3 + 1], new float[3], 2, 4, 3));
        Assert.Equal("w", error.ParamName);
        Assert.Contains("expected 12", error.Message);
        Assert.Contains("got 13", error.Message);
    }

    static void ForwardMatchesReference<T>(int n, int inputs, int outputs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * inputs);
        var w = TestData.Uniform<T>(2, outputs * inputs);
        var b = TestData.Uniform<T>(3, outputs);
        var y = TestData.Uniform<T>(4, n * outputs, 100, 200);

        Dense.Forward<T>(y, x, w, b, n, inputs, outputs);

        NumericAssert.Close(Reference.DenseForward(x, w, b, n, inputs, outputs), y, what: "y");
    }

    static void BackwardMatchesReference<T>(int n, int inputs, int outputs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * inputs);
        var w = TestData.Uniform<T>(2, outputs * inputs);
        var dy = TestData.Uniform<T>(3, n * outputs);
        var dx = TestData.Uniform<T>(4, n * inputs, 100, 200);
        var dw0 = TestData.Uniform<T>(5, w.Length);
        var db0 = TestData.Uniform<T>(6, outputs);
        var (dxRef, dwRef, dbRef) = Reference.DenseBackward(dy, x, w, n, inputs, outputs);
        T[] dw = dw0.ToArray(), db = db0.ToArray();

        Dense.Backward<T>(dx, dw, db, dy, x, w, n, inputs, outputs);

        NumericAssert.Close(dxRef, dx, what: "dx");
        NumericAssert.Close(Reference.Add(dw0, dwRef), dw, what: "dw");
        NumericAssert.Close(Reference.Add(db0, dbRef), db, what: "db");
    }
}
