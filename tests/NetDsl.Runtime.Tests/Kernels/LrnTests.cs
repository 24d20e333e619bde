using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class LrnTests
{
    // A large alpha, so the window sums matter. Beta 0.75 takes the square-root path; any other beta exp(log).
    const double Alpha = 0.5, Beta = 0.75, K = 1;

    // samples, channels, spatial, size, beta
    public static TheoryData<int, int, int, int, double> Shapes => new()
    {
        { 2, 6, 3, 3, 0.75 },    // planes shorter than a vector: position by position
        { 2, 6, 3, 4, 0.75 },    // even size: the window reaches further back than forward
        { 1, 16, 20, 5, 0.75 },  // AlexNet's size; whole vectors and an overlapping last block
        { 2, 3, 9, 5, 0.75 },    // fewer channels than the window
        { 1, 2, 8, 5, 0.75 },
        { 1, 7, 64, 2, 0.75 },
        { 1, 1, 5, 1, 0.75 },    // size 1, a single channel
        { 1, 10, 13, 9, 0.75 },  // ring of 16 slots
        { 2, 12, 4, 6, 0.75 },
        { 2, 6, 3, 3, 0.6 },
        { 1, 16, 20, 5, 0.6 },
        { 2, 3, 9, 4, 1.3 },
    };

    public static TheoryData<int, int, int, int, double> GradientShapes => new()
    {
        { 2, 6, 3, 3, 0.75 },
        { 1, 8, 9, 5, 0.75 },
        { 2, 3, 5, 5, 0.75 },    // channels < size
        { 1, 2, 3, 3, 0.75 },    // channels < size
        { 1, 7, 4, 4, 0.75 },    // even sizes: the mirrored backward window
        { 1, 6, 5, 2, 0.75 },
        { 1, 8, 9, 5, 0.6 },
        { 1, 3, 5, 4, 1.3 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Matches_reference_in_float(int n, int channels, int spatial, int size, double beta) => MatchesReference<float>(n, channels, spatial, size, beta);

    [Theory, MemberData(nameof(Shapes))]
    public void Matches_reference_in_double(int n, int channels, int spatial, int size, double beta) => MatchesReference<double>(n, channels, spatial, size, beta);

    [Theory, MemberData(nameof(GradientShapes))]
    public void Gradients_match_finite_differences(int n, int channels, int spatial, int size, double beta)
    {
        var x = TestData.Uniform<double>(1, n * channels * spatial, -2, 2);
        var y = new double[x.Length];
        new GradientChecker().Check(x.Length,
            output =>
            {
                Lrn.Forward<double>(output, x, n, channels, spatial, size, Alpha, beta, K);
                output.CopyTo(y);
            },
            (dy, grads) => Lrn.Backward<double>(grads[0], dy, x, y, n, channels, spatial, size, Alpha, beta, K),
            ("x", x));
    }

    [Fact]
    public void Alexnet_constants_match_reference()
    {
        const int n = 2, channels = 12, spatial = 17, size = 5;
        var x = TestData.Uniform<float>(1, n * channels * spatial, -30, 30); // large enough for alpha = 1e-4 to bite
        var y = new float[x.Length];
        Lrn.Forward<float>(y, x, n, channels, spatial, size, 1e-4, 0.75, 2);
        NumericAssert.Close(Reference.LrnForward(x, n, channels, spatial, size, 1e-4, 0.75, 2), y);
    }

    /// <summary>
    /// torch.nn.functional.local_response_norm(x, size, alpha=0.5, beta, k=1.0) on float64, x of shape (2, 6, 1, 3)
    /// with x[i] = 1.5·sin(0.37 i + 0.2), and its input gradient for dy[i] = cos(0.23 i), printed by hand.
    /// </summary>
    [Theory]
    [InlineData(3, 0.75, 0, 0.23599563063647058, 0.7394079173736349)]
    [InlineData(3, 0.75, 4, 1.086950722570782, 0.1359476001103388)]
    [InlineData(3, 0.75, 17, 0.2610074039428522, -0.6395362860635345)]
    [InlineData(3, 0.75, 35, 0.7171257902173733, -0.11200156039589368)]
    [InlineData(4, 0.75, 0, 0.2485616637316245, 0.7827962659082597)]
    [InlineData(4, 0.75, 10, -0.6925207964737191, -0.22765342043297815)]
    [InlineData(4, 0.75, 20, 1.1376336472302597, -0.08240542282628872)]
    [InlineData(4, 0.75, 35, 0.6299736071465546, -0.10725335360539826)]
    [InlineData(3, 0.6, 4, 1.157889693437481, 0.21052402377191837)]
    [InlineData(3, 0.6, 35, 0.7377915862894043, -0.1258296425857844)]
    [InlineData(4, 1.3, 10, -0.5170033718683181, -0.02760930021308261)]
    [InlineData(4, 1.3, 17, 0.1961481412447913, -0.5008000325933826)]
    public void Matches_pytorch(int size, double beta, int index, double expectedY, double expectedDx)
    {
        const int n = 2, channels = 6, spatial = 3;
        var x = Enumerable.Range(0, n * channels * spatial).Select(i => 1.5 * Math.Sin(0.37 * i + 0.2)).ToArray();
        var dy = Enumerable.Range(0, x.Length).Select(i => Math.Cos(0.23 * i)).ToArray();
        var y = new double[x.Length];
        var dx = new double[x.Length];

        Lrn.Forward<double>(y, x, n, channels, spatial, size, 0.5, beta, 1.0);
        Lrn.Backward<double>(dx, dy, x, y, n, channels, spatial, size, 0.5, beta, 1.0);

        Assert.Equal(expectedY, y[index], 1e-13);
        Assert.Equal(expectedDx, dx[index], 1e-13);
    }

    [Fact]
    public void Rejects_bad_sizes_and_lengths()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Lrn.Forward<float>(new float[8], new float[8], 1, 2, 4, 0, Alpha, Beta, K));
        var error = Assert.Throws<ArgumentException>(() => Lrn.Backward<float>(new float[8], new float[7], new float[8], new float[8], 1, 2, 4, 3, Alpha, Beta, K));
        Assert.Equal("dy", error.ParamName);
        Assert.Contains("expected 8 elements, got 7", error.Message);
        // The stack-held rings bound the window, not the size: a huge size over few channels is fine.
        Lrn.Backward<float>(new float[8], new float[8], new float[8], new float[8], 1, 2, 4, 1000, Alpha, Beta, K);
        int wide = Lrn.MaxWindow + 1;
        Assert.Throws<ArgumentOutOfRangeException>(() => Lrn.Forward<float>(new float[wide], new float[wide], 1, wide, 1, wide, Alpha, Beta, K));
    }

    static void MatchesReference<T>(int n, int channels, int spatial, int size, double beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * channels * spatial, -2, 2);
        var dy = TestData.Uniform<T>(2, x.Length);
        var y = TestData.Uniform<T>(3, x.Length, 100, 200);  // stale values must not leak in
        var dx = TestData.Uniform<T>(4, x.Length, 100, 200);

        Lrn.Forward<T>(y, x, n, channels, spatial, size, Alpha, beta, K);
        Lrn.Backward<T>(dx, dy, x, y, n, channels, spatial, size, Alpha, beta, K);

        NumericAssert.Close(Reference.LrnForward(x, n, channels, spatial, size, Alpha, beta, K), y, what: "y");
        NumericAssert.Close(Reference.LrnBackward(dy, x, n, channels, spatial, size, Alpha, beta, K), dx, what: "dx");
    }
}
