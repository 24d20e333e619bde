using NetDsl.Testing;
using Xunit.Sdk;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>The checker itself must pass right gradients and catch wrong ones, or every gradient test is vacuous.</summary>
public sealed class GradientCheckerTests
{
    [Fact]
    public void Accepts_a_correct_gradient()
    {
        double[] x = [0.5, -1.25, 2];
        var report = new GradientChecker().Check(3,
            y => { for (int i = 0; i < 3; i++) y[i] = x[i] * x[i] * x[i]; },
            (dy, grads) => { for (int i = 0; i < 3; i++) grads[0][i] = dy[i] * 3 * x[i] * x[i]; },
            ("x", x));
        Assert.True(report.RelativeError < 1e-8, report.ToString());
    }

    [Fact]
    public void Rejects_a_gradient_that_is_wrong_in_one_element_and_names_it()
    {
        double[] a = [1, 2], b = [0.5, -0.5, 0.25];
        var failure = Assert.ThrowsAny<XunitException>(() => new GradientChecker().Check(2,
            y => { y[0] = a[0] * b[1]; y[1] = a[1] + b[2] * b[0]; },
            (dy, grads) =>
            {
                grads[0][0] = dy[0] * b[1];
                grads[0][1] = dy[1];
                grads[1][0] = dy[1] * b[2];
                grads[1][1] = dy[0] * a[0];
                grads[1][2] = dy[1] * b[0] * 1.01; // 1% off
            },
            ("a", a), ("b", b)));
        Assert.Contains("d/db[2]", failure.Message);
    }
}
