using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class Pool2dTests
{
    // channels, height, width, kernel, stride, samples
    public static TheoryData<int, int, int, int, int, int> Geometries => new()
    {
        { 1, 4, 4, 2, 2, 1 },
        { 3, 7, 9, 2, 2, 3 },     // odd sizes: the last row and column belong to no window
        { 2, 28, 28, 2, 2, 3 },   // LeNet-5 pool1: float takes the vectorized 2×2 path, whose last step overlaps
        { 2, 33, 35, 2, 2, 1 },   // vectorized path with a trailing row and column
        { 1, 16, 17, 2, 2, 2 },   // rows of whole vector steps, plus a trailing column
        { 16, 10, 10, 2, 2, 3 },  // LeNet-5 pool2: five windows per row, the second step overlaps the first
        { 2, 6, 7, 2, 2, 2 },     // rows too short for a vector step: per-window path even in float
        { 3, 9, 9, 3, 2, 3 },     // overlapping windows, gradients add up
        { 2, 7, 8, 3, 1, 1 },     // stride 1, heavy overlap
        { 1, 5, 5, 5, 5, 2 },     // one window covering the plane
        { 2, 10, 11, 3, 3, 3 },
        { 1, 6, 6, 1, 1, 1 },     // identity
    };

    public static TheoryData<int, int, int, int, int, int> GradientGeometries => new()
    {
        { 2, 4, 5, 2, 2, 2 },
        { 1, 7, 7, 3, 2, 2 },
        { 2, 6, 5, 3, 1, 1 },
        { 1, 9, 8, 3, 3, 1 },
    };

    [Theory, MemberData(nameof(Geometries))]
    public void Max_matches_reference_in_float(int c, int h, int w, int k, int s, int n) => MaxMatchesReference<float>(new(c, h, w, k, s), n);

    [Theory, MemberData(nameof(Geometries))]
    public void Max_matches_reference_in_double(int c, int h, int w, int k, int s, int n) => MaxMatchesReference<double>(new(c, h, w, k, s), n);

    [Theory, MemberData(nameof(Geometries))]
    public void Avg_matches_reference_in_float(int c, int h, int w, int k, int s, int n) => AvgMatchesReference<float>(new(c, h, w, k, s), n);

    [Theory, MemberData(nameof(Geometries))]
    public void Avg_matches_reference_in_double(int c, int h, int w, int k, int s, int n) => AvgMatchesReference<double>(new(c, h, w, k, s), n);

    [Theory, MemberData(nameof(GradientGeometries))]
    public void Max_gradients_match_finite_differences(int c, int h, int w, int k, int s, int n)
    {
        var g = new PoolGeometry(c, h, w, k, s);
        var x = TestData.DistinctShuffled<double>(1, n * g.InSize); // no near-ties for the step to flip
        new GradientChecker().Check(n * g.OutSize,
            y => Pool2d.MaxForward<double>(y, x, n, g),
            (dy, grads) => Pool2d.MaxBackward<double>(grads[0], dy, x, n, g),
            ("x", x));
    }

    [Theory, MemberData(nameof(GradientGeometries))]
    public void Avg_gradients_match_finite_differences(int c, int h, int w, int k, int s, int n)
    {
        var g = new PoolGeometry(c, h, w, k, s);
        var x = TestData.Uniform<double>(1, n * g.InSize);
        new GradientChecker().Check(n * g.OutSize,
            y => Pool2d.AvgForward<double>(y, x, n, g),
            (dy, grads) => Pool2d.AvgBackward<double>(grads[0], dy, x, n, g),
            ("x", x));
    }

    // Width 32 sends float 2×2 through the vectorized path; width 6 through the per-window path.
    [Theory]
    [InlineData(32)]
    [InlineData(6)]
    public void Ties_send_the_gradient_to_the_first_maximum_in_row_major_order(int width)
    {
        TiesGoFirst<float>(width);
        TiesGoFirst<double>(width);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(6)]
    public void A_NaN_in_a_window_wins_and_takes_the_gradient(int width)
    {
        NaNWins<float>(width);
        NaNWins<double>(width);
    }

    [Fact]
    public void Rejects_an_input_of_the_wrong_length()
    {
        var g = new PoolGeometry(2, 6, 6, 2, 2);
        var error = Assert.Throws<ArgumentException>(() => Pool2d.MaxForward<float>(new float[g.OutSize], new float[g.InSize + 1], 1, g));
        Assert.Equal("x", error.ParamName);
        Assert.Contains($"expected {g.InSize}", error.Message);
    }

    static void MaxMatchesReference<T>(PoolGeometry g, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * g.InSize);
        var dy = TestData.Uniform<T>(2, n * g.OutSize);
        var y = TestData.Uniform<T>(3, n * g.OutSize, 100, 200);
        var dx = TestData.Uniform<T>(4, n * g.InSize, 100, 200); // must be overwritten, including unused rows

        Pool2d.MaxForward<T>(y, x, n, g);
        Pool2d.MaxBackward<T>(dx, dy, x, n, g);

        NumericAssert.Close(Reference.MaxPoolForward(x, n, g), y, what: "y");
        NumericAssert.Close(Reference.MaxPoolBackward(dy, x, n, g), dx, what: "dx");
    }

    static void AvgMatchesReference<T>(PoolGeometry g, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = TestData.Uniform<T>(1, n * g.InSize);
        var dy = TestData.Uniform<T>(2, n * g.OutSize);
        var y = TestData.Uniform<T>(3, n * g.OutSize, 100, 200);
        var dx = TestData.Uniform<T>(4, n * g.InSize, 100, 200);

        Pool2d.AvgForward<T>(y, x, n, g);
        Pool2d.AvgBackward<T>(dx, dy, x, n, g);

        NumericAssert.Close(Reference.AvgPoolForward(x, n, g), y, what: "y");
        NumericAssert.Close(Reference.AvgPoolBackward(dy, n, g), dx, what: "dx");
    }

    /// <summary>Every window of a 2-row plane holds the same value twice; the first one must get the gradient.</summary>
    static void TiesGoFirst<T>(int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = new PoolGeometry(1, 2, width, 2, 2);
        var x = new T[g.InSize];
        // Window j holds (top-left, top-right, bottom-left, bottom-right); the max (j+1) sits at a position that
        // cycles with j and appears twice, once at that position and once later in the window.
        for (int j = 0; j < g.OutWidth; j++)
        {
            int[] cells = [j * 2, j * 2 + 1, width + j * 2, width + j * 2 + 1];
            int first = j % 3;
            foreach (int cell in cells) x[cell] = T.CreateTruncating(-j);
            x[cells[first]] = x[cells[first + 1]] = T.CreateTruncating(j + 1);
        }
        var dy = Enumerable.Range(1, g.OutSize).Select(v => T.CreateTruncating(v)).ToArray();
        var dx = new T[g.InSize];

        Pool2d.MaxBackward<T>(dx, dy, x, 1, g);

        for (int j = 0; j < g.OutWidth; j++)
        {
            int[] cells = [j * 2, j * 2 + 1, width + j * 2, width + j * 2 + 1];
            for (int c = 0; c < 4; c++)
                Assert.Equal(c == j % 3 ? dy[j] : T.Zero, dx[cells[c]]);
        }
    }

    static void NaNWins<T>(int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = new PoolGeometry(1, 2, width, 2, 2);
        var x = TestData.Uniform<T>(1, g.InSize);
        int nanAt = width + 5; // bottom-right of window 2, after larger finite values in that window
        x[nanAt] = T.NaN;
        x[4] = T.CreateTruncating(10);
        var y = new T[g.OutSize];
        var dx = new T[g.InSize];
        var dy = Enumerable.Repeat(T.One, g.OutSize).ToArray();

        Pool2d.MaxForward<T>(y, x, 1, g);
        Pool2d.MaxBackward<T>(dx, dy, x, 1, g);

        Assert.True(T.IsNaN(y[2]));
        Assert.Equal(T.One, dx[nanAt]);
        Assert.Equal(T.Zero, dx[4]);
        Assert.False(T.IsNaN(y[1]));
    }
}
