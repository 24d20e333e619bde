using System.Numerics;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>The element-wise heads (see <see cref="ElementwiseHead"/>) on the CPU.</summary>
public sealed class ElementwiseLossTests
{
    public static TheoryData<string> Heads => ElementwiseHead.Names;

    [Theory]
    [MemberData(nameof(Heads))]
    public void Match_their_definitions_in_float(string head) => MatchesDefinition<float>(ElementwiseHead.ByName[head]);

    [Theory]
    [MemberData(nameof(Heads))]
    public void Match_their_definitions_in_double(string head) => MatchesDefinition<double>(ElementwiseHead.ByName[head]);

    [Theory]
    [MemberData(nameof(Heads))]
    public void Gradients_match_finite_differences(string head)
    {
        var h = ElementwiseHead.ByName[head];
        const int n = 3, size = 5;
        // Targets at least 0.05 from x, so no finite-difference step crosses L1's kink.
        var x = TestData.DistinctShuffled<double>(1, n * size, spacing: 0.3);
        var targets = Targets<double>(h, x);
        var losses = new double[n];
        // Output: the summed loss; backward's scale is exactly dL/d(sum).
        new GradientChecker().Check(1,
            y =>
            {
                h.Forward<double>(losses, x, targets, n, size);
                y[0] = losses.Sum();
            },
            (dy, grads) => h.Backward<double>(grads[0], x, targets, n, size, dy[0]),
            ("x", x));
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Backward_may_write_over_x(string head)
    {
        var h = ElementwiseHead.ByName[head];
        var x = TestData.Uniform<float>(2, 12, -3, 3);
        var targets = Targets<float>(h, x);
        var separate = new float[12];
        h.Backward<float>(separate, x, targets, 3, 4, 0.5f);

        h.Backward<float>(x, x, targets, 3, 4, 0.5f);

        Assert.Equal(separate, x);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void Targets_of_another_shape_are_refused(string head)
    {
        var h = ElementwiseHead.ByName[head];
        var error = Assert.Throws<ArgumentException>(() => h.Forward<float>(new float[2], new float[6], new float[5], 2, 3));
        Assert.Equal("targets", error.ParamName);
        Assert.Throws<ArgumentException>(() => h.Backward<float>(new float[5], new float[6], new float[6], 2, 3, 1f));
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void An_empty_batch_does_nothing(string head)
    {
        ElementwiseHead.ByName[head].Forward<float>([], [], [], 0, 4);
        ElementwiseHead.ByName[head].Backward<float>([], [], [], 0, 4, 1f);
    }

    [Fact]
    public void L1_gradient_is_zero_where_output_equals_target_as_pytorchs_sign()
    {
        float[] x = [1.5f, -2f, 0f, 3f], targets = [1.5f, 0f, 0f, 4f], dx = new float[4];
        NetDsl.Runtime.Cpu.L1Loss.Backward<float>(dx, x, targets, 2, 2, 0.5f);
        Assert.Equal([0f, -0.5f, 0f, -0.5f], dx);
    }

    [Fact]
    public void Binary_cross_entropy_stays_finite_for_huge_logits()
    {
        Extreme<float>();
        Extreme<double>();

        static void Extreme<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            // Confidently wrong both ways, then confidently right: e^|x| would overflow even double.
            var x = new[] { 1e4, -1e4, 1e4, -1e4 }.Select(T.CreateTruncating).ToArray();
            var targets = new[] { 0.0, 1, 1, 0 }.Select(T.CreateTruncating).ToArray();
            var (losses, dx) = (new T[4], new T[4]);
            NetDsl.Runtime.Cpu.BinaryCrossEntropyWithLogits.Forward<T>(losses, x, targets, 4, 1);
            NetDsl.Runtime.Cpu.BinaryCrossEntropyWithLogits.Backward<T>(dx, x, targets, 4, 1, T.One);
            NumericAssert.Close(new[] { 1e4, 1e4, 0, 0 }.Select(T.CreateTruncating).ToArray(), losses, what: "losses");
            NumericAssert.Close(new[] { 1.0, -1, 0, 0 }.Select(T.CreateTruncating).ToArray(), dx, what: "dx");
        }
    }

    static void MatchesDefinition<T>(ElementwiseHead h) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int n = 4, size = 6;
        var x = TestData.Uniform<T>(3, n * size, -5, 5);
        var targets = Targets<T>(h, x);
        var losses = new T[n];
        var dx = new T[x.Length];
        T scale = T.CreateTruncating(0.25);

        h.Forward<T>(losses, x, targets, n, size);
        h.Backward<T>(dx, x, targets, n, size, scale);

        var (xs, ts) = (TestData.ToDouble(x), TestData.ToDouble(targets));
        var expected = Enumerable.Range(0, n).Select(s => Enumerable.Range(s * size, size).Sum(i => h.Definition(xs[i], ts[i]))).ToArray();
        NumericAssert.Close(TestData.Convert<T>(expected), losses, what: "losses");
        NumericAssert.Close(TestData.Convert<T>(xs.Select((v, i) => h.Derivative(v, ts[i]) * 0.25).ToArray()), dx, what: "dx");
    }

    /// <summary>Targets in the head's range, drawn apart from x.</summary>
    internal static T[] Targets<T>(ElementwiseHead h, T[] x) where T : IFloatingPointIeee754<T>
    {
        var (min, max) = h.Targets;
        var u = TestData.Uniform<double>(7, x.Length);
        return x.Select((v, i) =>
        {
            double t = min + (max - min) * (u[i] + 1) / 2;
            return T.CreateTruncating(Math.Abs(t - double.CreateTruncating(v)) < 0.05 ? t + (t < (min + max) / 2 ? 0.1 : -0.1) : t);
        }).ToArray();
    }
}
