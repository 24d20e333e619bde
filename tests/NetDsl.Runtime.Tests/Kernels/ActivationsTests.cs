using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class ActivationsTests
{
    public enum Kind { Relu, Tanh, Sigmoid }

    // Lengths around the vector width exercise both the vector loop and the scalar tail.
    public static TheoryData<Kind, int> Cases()
    {
        var data = new TheoryData<Kind, int>();
        foreach (var kind in Enum.GetValues<Kind>())
            foreach (int length in new[] { 0, 1, 7, 8, 9, 33, 100 })
                data.Add(kind, length);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Match_reference_in_float(Kind kind, int length) => MatchReference<float>(kind, length);

    [Theory, MemberData(nameof(Cases))]
    public void Match_reference_in_double(Kind kind, int length) => MatchReference<double>(kind, length);

    [Theory, MemberData(nameof(Cases))]
    public void Run_in_place(Kind kind, int length)
    {
        var x = TestData.Uniform<float>(1, length, -3, 3);
        var dy = TestData.Uniform<float>(2, length);
        var y = new float[length];
        var dx = new float[length];
        Forward<float>(kind, y, x);
        Backward<float>(kind, dx, dy, y);

        var inPlace = x.ToArray();
        Forward<float>(kind, inPlace, inPlace);
        var gradient = dy.ToArray();
        Backward<float>(kind, gradient, gradient, inPlace);

        Assert.Equal(y, inPlace);
        Assert.Equal(dx, gradient);
    }

    [Theory]
    [InlineData(Kind.Relu)]
    [InlineData(Kind.Tanh)]
    [InlineData(Kind.Sigmoid)]
    public void Gradients_match_finite_differences(Kind kind)
    {
        // Keep clear of relu's kink at 0, where the derivative is undefined.
        var x = TestData.Uniform<double>(1, 37, -3, 3).Select(v => Math.Abs(v) < 0.05 ? v + 0.1 : v).ToArray();
        var y = new double[x.Length];
        new GradientChecker().Check(x.Length,
            output => Forward<double>(kind, output, x),
            (dy, grads) =>
            {
                Forward<double>(kind, y, x);
                Backward<double>(kind, grads[0], dy, y);
            },
            ("x", x));
    }

    [Fact]
    public void Relu_passes_no_gradient_through_an_inactive_unit_even_if_it_is_infinite()
    {
        float[] y = [0, 2, 0, 0, 0, 0, 0, 0, 0];
        float[] dy = [float.PositiveInfinity, 1, float.NaN, 0, 0, 0, 0, 0, float.NegativeInfinity];
        var dx = new float[y.Length];
        Activations.ReluBackward<float>(dx, dy, y);
        Assert.Equal([0, 1, 0, 0, 0, 0, 0, 0, 0], dx);
    }

    [Fact]
    public void Sigmoid_and_tanh_saturate_without_overflow()
    {
        double[] x = [-1000, -50, 50, 1000];
        var y = new double[4];
        Activations.SigmoidForward<double>(y, x);
        Assert.Equal([0, Reference.Sigmoid(-50), 1, 1], y);
        Activations.TanhForward<double>(y, x);
        Assert.Equal([-1, -1, 1, 1], y);
    }

    [Fact]
    public void Rejects_mismatched_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => Activations.TanhBackward<float>(new float[4], new float[4], new float[5]));
        Assert.Contains("expected 5", error.Message);
    }

    static void MatchReference<T>(Kind kind, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, length, -4, 4);
        var dy = TestData.Uniform<T>(2, length);
        var y = new T[length];
        var dx = new T[length];

        Forward<T>(kind, y, x);
        Backward<T>(kind, dx, dy, y);

        Func<double, double> f = kind switch { Kind.Relu => Reference.Relu, Kind.Tanh => Math.Tanh, _ => Reference.Sigmoid };
        Func<double, double> derivative = kind switch
        {
            Kind.Relu => v => v > 0 ? 1 : 0,
            Kind.Tanh => v => 1 - Math.Tanh(v) * Math.Tanh(v),
            _ => v => Reference.Sigmoid(v) * (1 - Reference.Sigmoid(v)),
        };
        NumericAssert.Close(Reference.Map(x, f), y, what: "y");
        NumericAssert.Close(Reference.Map(x, dy, (v, g) => g * derivative(v)), dx, what: "dx");
    }

    static void Forward<T>(Kind kind, Span<T> y, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case Kind.Relu: Activations.ReluForward(y, x); break;
            case Kind.Tanh: Activations.TanhForward(y, x); break;
            default: Activations.SigmoidForward(y, x); break;
        }
    }

    static void Backward<T>(Kind kind, Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case Kind.Relu: Activations.ReluBackward(dx, dy, y); break;
            case Kind.Tanh: Activations.TanhBackward(dx, dy, y); break;
            default: Activations.SigmoidBackward(dx, dy, y); break;
        }
    }
}
