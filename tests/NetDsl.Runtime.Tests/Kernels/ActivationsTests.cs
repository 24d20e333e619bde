using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class ActivationsTests
{
    public enum Kind { Relu, Tanh, Sigmoid, LeakyRelu, LeakyReluZeroSlope, Elu, EluHalf, Gelu }

    // The parameters the kinds run with: a zero slope is ReLU again, and alphas other than 1 must scale both branches.
    internal static double Slope(Kind kind) => kind == Kind.LeakyReluZeroSlope ? 0 : 0.1;
    internal static double Alpha(Kind kind) => kind == Kind.EluHalf ? 0.5 : 1.3;

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
        Backward<float>(kind, dx, dy, x, y);

        var inPlace = x.ToArray();
        Forward<float>(kind, inPlace, inPlace);
        var gradient = dy.ToArray();
        Backward<float>(kind, gradient, gradient, x, inPlace);

        Assert.Equal(y, inPlace);
        Assert.Equal(dx, gradient);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Gradients_match_finite_differences(Kind kind)
    {
        // Keep clear of the kinks at 0 (relu, leaky relu, elu with alpha ≠ 1), where the derivative is undefined.
        var x = TestData.Uniform<double>(1, 37, -3, 3).Select(v => Math.Abs(v) < 0.05 ? v + 0.1 : v).ToArray();
        var y = new double[x.Length];
        new GradientChecker().Check(x.Length,
            output => Forward<double>(kind, output, x),
            (dy, grads) =>
            {
                Forward<double>(kind, y, x);
                Backward<double>(kind, grads[0], dy, x, y);
            },
            ("x", x));
    }

    public static TheoryData<Kind> Kinds => new(Enum.GetValues<Kind>());

    /// <summary>GELU over its whole range, where erf switches from its series to its continued fraction (|x/√2| = 2.5) and to ±1 (6).</summary>
    [Fact]
    public void Gelu_matches_an_integrated_normal_cdf_in_double_from_minus_ten_to_ten()
    {
        var x = Enumerable.Range(-1000, 2001).Select(i => i / 100.0).Append(2.5 * Math.Sqrt(2)).Append(6 * Math.Sqrt(2)).ToArray();
        var y = new double[x.Length];
        var dx = new double[x.Length];
        Activations.GeluForward<double>(y, x);
        Activations.GeluBackward<double>(dx, Enumerable.Repeat(1.0, x.Length).ToArray(), x);
        // The integration reference is good to ~1e-15; 1e-13 leaves room for the rounding of x·Φ(x) at |x| = 10.
        NumericAssert.Close(x.Select(v => v * Reference.NormalCdf(v)).ToArray(), y, 1e-13, "y");
        NumericAssert.Close(x.Select(v => Reference.NormalCdf(v) + v * Math.Exp(-v * v / 2) / Math.Sqrt(2 * Math.PI)).ToArray(), dx, 1e-13, "dx");
    }

    [Fact]
    public void Leaky_relu_and_elu_reject_parameters_that_would_break_backward_from_y()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.LeakyReluForward<float>(new float[2], new float[2], -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.LeakyReluBackward<float>(new float[2], new float[2], new float[2], float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.EluForward<float>(new float[2], new float[2], 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.EluBackward<float>(new float[2], new float[2], new float[2], -1f));
    }

    [Fact]
    public void At_zero_leaky_relu_and_elu_take_the_negative_branch_as_PyTorch_does()
    {
        // torch.autograd.grad(F.leaky_relu(torch.zeros(1, requires_grad=True), 0.1), ...) is 0.1; ELU's is alpha.
        double[] x = [0], y = new double[1], dx = new double[1];
        Activations.LeakyReluForward<double>(y, x, 0.1);
        Activations.LeakyReluBackward<double>(dx, [1.0], y, 0.1);
        Assert.Equal(0.1, dx[0]);
        Activations.EluForward<double>(y, x, 0.5);
        Activations.EluBackward<double>(dx, [1.0], y, 0.5);
        Assert.Equal(0.5, dx[0]);
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
        Backward<T>(kind, dx, dy, x, y);

        double slope = Slope(kind), alpha = Alpha(kind);
        Func<double, double> f = kind switch
        {
            Kind.Relu => Reference.Relu,
            Kind.Tanh => Math.Tanh,
            Kind.Sigmoid => Reference.Sigmoid,
            Kind.LeakyRelu or Kind.LeakyReluZeroSlope => v => v > 0 ? v : slope * v,
            Kind.Elu or Kind.EluHalf => v => v > 0 ? v : alpha * (Math.Exp(v) - 1),
            _ => v => v * Reference.NormalCdf(v),
        };
        Func<double, double> derivative = kind switch
        {
            Kind.Relu => v => v > 0 ? 1 : 0,
            Kind.Tanh => v => 1 - Math.Tanh(v) * Math.Tanh(v),
            Kind.Sigmoid => v => Reference.Sigmoid(v) * (1 - Reference.Sigmoid(v)),
            Kind.LeakyRelu or Kind.LeakyReluZeroSlope => v => v > 0 ? 1 : slope,
            Kind.Elu or Kind.EluHalf => v => v > 0 ? 1 : alpha * Math.Exp(v),
            _ => v => Reference.NormalCdf(v) + v * Math.Exp(-v * v / 2) / Math.Sqrt(2 * Math.PI),
        };
        NumericAssert.Close(Reference.Map(x, f), y, what: "y");
        NumericAssert.Close(Reference.Map(x, dy, (v, g) => g * derivative(v)), dx, what: "dx");
    }

    internal static void Forward<T>(Kind kind, Span<T> y, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case Kind.Relu: Activations.ReluForward(y, x); break;
            case Kind.Tanh: Activations.TanhForward(y, x); break;
            case Kind.Sigmoid: Activations.SigmoidForward(y, x); break;
            case Kind.LeakyRelu or Kind.LeakyReluZeroSlope: Activations.LeakyReluForward(y, x, T.CreateTruncating(Slope(kind))); break;
            case Kind.Elu or Kind.EluHalf: Activations.EluForward(y, x, T.CreateTruncating(Alpha(kind))); break;
            default: Activations.GeluForward(y, x); break;
        }
    }

    /// <summary>Backward from y, except GELU's, from x.</summary>
    internal static void Backward<T>(Kind kind, Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case Kind.Relu: Activations.ReluBackward(dx, dy, y); break;
            case Kind.Tanh: Activations.TanhBackward(dx, dy, y); break;
            case Kind.Sigmoid: Activations.SigmoidBackward(dx, dy, y); break;
            case Kind.LeakyRelu or Kind.LeakyReluZeroSlope: Activations.LeakyReluBackward(dx, dy, y, T.CreateTruncating(Slope(kind))); break;
            case Kind.Elu or Kind.EluHalf: Activations.EluBackward(dx, dy, y, T.CreateTruncating(Alpha(kind))); break;
            default: Activations.GeluBackward(dx, dy, x); break;
        }
    }
}
