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

    // channels, height, width, kernel, stride, padding, ceil mode, samples
    public static TheoryData<int, int, int, int, int, int, bool, int> PaddedGeometries => new()
    {
        { 1, 112, 112, 3, 2, 0, true, 1 }, // GoogLeNet pool1: 112 → 56, the last window hangs over the edge
        { 2, 6, 6, 3, 2, 1, false, 2 },    // ResNet's stem pool: 3×3/2, padding 1
        { 2, 7, 9, 3, 2, 1, true, 2 },     // padding and ceil mode together
        { 1, 5, 5, 3, 3, 1, true, 2 },     // ceil mode drops a last window that would start in the padding
        { 2, 5, 7, 1, 3, 0, true, 1 },     // ... on one axis only (5 → 2, 7 → 3), without padding
        { 2, 8, 8, 2, 2, 1, false, 2 },    // even kernel: windows clipped on both sides
        { 3, 10, 11, 3, 2, 0, true, 2 },   // ceil mode alone, partial last windows
        { 1, 9, 8, 5, 2, 2, true, 1 },     // padding of half the kernel: corner windows hold 3×3 elements
        { 1, 3, 3, 3, 1, 1, false, 1 },    // GoogLeNet's inception pool branch: 3×3/1 padding 1 keeps the size
        { 2, 28, 28, 2, 2, 0, true, 2 },   // ceil mode adds nothing: float keeps the vectorized 2×2 path
        { 2, 29, 29, 2, 2, 0, true, 1 },   // ceil mode adds a partial window: the vectorized path must not apply
    };

    public static TheoryData<int, int, int, int, int, int, bool, int> PaddedGradientGeometries => new()
    {
        { 2, 5, 6, 3, 2, 1, false, 2 },
        { 1, 7, 7, 3, 2, 1, true, 2 },
        { 1, 5, 5, 3, 3, 1, true, 1 },    // dropped last window
        { 1, 12, 12, 3, 2, 0, true, 1 },  // GoogLeNet's 3×3/2 ceil on a smaller map
        { 2, 6, 5, 2, 2, 1, true, 1 },
        { 1, 4, 5, 3, 1, 1, false, 1 },
    };

    // (size, kernel, stride, padding, ceil mode) → output size, as printed by torch.nn.functional.max_pool2d(...).shape.
    [Theory]
    [InlineData(112, 3, 2, 0, true, 56)]
    [InlineData(112, 3, 2, 1, false, 56)]
    [InlineData(56, 3, 2, 0, true, 28)]
    [InlineData(14, 3, 2, 0, true, 7)]
    [InlineData(5, 3, 3, 1, true, 2)]  // ceil gives 3, but the third window would start at 6 = H + P
    [InlineData(5, 1, 3, 0, true, 2)]  // likewise without padding: it would start at 6 > H
    [InlineData(7, 1, 3, 0, true, 3)]
    [InlineData(7, 3, 2, 1, true, 4)]
    [InlineData(8, 3, 2, 1, true, 5)]
    [InlineData(8, 3, 2, 1, false, 4)]
    [InlineData(14, 3, 2, 1, true, 8)]
    [InlineData(6, 2, 2, 1, true, 4)]
    [InlineData(29, 2, 2, 0, true, 15)]
    [InlineData(5, 4, 3, 2, true, 3)]
    public void Output_size_matches_PyTorch(int size, int k, int s, int p, bool ceil, int expected)
    {
        var g = new PoolGeometry(1, size, size + 1, k, s, p, ceil);
        Assert.Equal(expected, g.OutHeight);
        Assert.Equal(new PoolGeometry(1, size + 1, size + 1, k, s, p, ceil).OutWidth, g.OutWidth);
    }

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

    [Theory, MemberData(nameof(PaddedGeometries))]
    public void Padded_max_matches_reference_in_float(int c, int h, int w, int k, int s, int p, bool ceil, int n) =>
        MaxMatchesReference<float>(new(c, h, w, k, s, p, ceil), n);

    [Theory, MemberData(nameof(PaddedGeometries))]
    public void Padded_max_matches_reference_in_double(int c, int h, int w, int k, int s, int p, bool ceil, int n) =>
        MaxMatchesReference<double>(new(c, h, w, k, s, p, ceil), n);

    [Theory, MemberData(nameof(PaddedGeometries))]
    public void Padded_avg_matches_reference_in_float(int c, int h, int w, int k, int s, int p, bool ceil, int n) =>
        AvgMatchesReference<float>(new(c, h, w, k, s, p, ceil), n);

    [Theory, MemberData(nameof(PaddedGeometries))]
    public void Padded_avg_matches_reference_in_double(int c, int h, int w, int k, int s, int p, bool ceil, int n) =>
        AvgMatchesReference<double>(new(c, h, w, k, s, p, ceil), n);

    [Theory, MemberData(nameof(PaddedGradientGeometries))]
    public void Padded_max_gradients_match_finite_differences(int c, int h, int w, int k, int s, int p, bool ceil, int n)
    {
        var g = new PoolGeometry(c, h, w, k, s, p, ceil);
        var x = TestData.DistinctShuffled<double>(1, n * g.InSize);
        new GradientChecker().Check(n * g.OutSize,
            y => Pool2d.MaxForward<double>(y, x, n, g),
            (dy, grads) => Pool2d.MaxBackward<double>(grads[0], dy, x, n, g),
            ("x", x));
    }

    [Theory, MemberData(nameof(PaddedGradientGeometries))]
    public void Padded_avg_gradients_match_finite_differences(int c, int h, int w, int k, int s, int p, bool ceil, int n)
    {
        var g = new PoolGeometry(c, h, w, k, s, p, ceil);
        var x = TestData.Uniform<double>(1, n * g.InSize);
        new GradientChecker().Check(n * g.OutSize,
            y => Pool2d.AvgForward<double>(y, x, n, g),
            (dy, grads) => Pool2d.AvgBackward<double>(grads[0], dy, x, n, g),
            ("x", x));
    }

    [Theory, MemberData(nameof(PaddedGeometries))]
    public void Avg_without_counting_padding_matches_reference_in_float(int c, int h, int w, int k, int s, int p, bool ceil, int n) =>
        AvgMatchesReference<float>(new(c, h, w, k, s, p, ceil, CountIncludePad: false), n);

    [Theory, MemberData(nameof(PaddedGeometries))]
    public void Avg_without_counting_padding_matches_reference_in_double(int c, int h, int w, int k, int s, int p, bool ceil, int n) =>
        AvgMatchesReference<double>(new(c, h, w, k, s, p, ceil, CountIncludePad: false), n);

    [Theory, MemberData(nameof(PaddedGradientGeometries))]
    public void Avg_without_counting_padding_gradients_match_finite_differences(int c, int h, int w, int k, int s, int p, bool ceil, int n)
    {
        var g = new PoolGeometry(c, h, w, k, s, p, ceil, CountIncludePad: false);
        var x = TestData.Uniform<double>(1, n * g.InSize);
        new GradientChecker().Check(n * g.OutSize,
            y => Pool2d.AvgForward<double>(y, x, n, g),
            (dy, grads) => Pool2d.AvgBackward<double>(grads[0], dy, x, n, g),
            ("x", x));
    }

    /// <summary>Without count_include_pad, a constant input averages to itself everywhere, border windows included.</summary>
    [Fact]
    public void Average_without_counting_padding_keeps_a_constant()
    {
        var g = new PoolGeometry(1, 6, 6, 3, 2, 1, CeilMode: true, CountIncludePad: false);
        var y = new double[g.OutSize];
        Pool2d.AvgForward<double>(y, Enumerable.Repeat(3.0, g.InSize).ToArray(), 1, g);
        Assert.All(y, v => Assert.Equal(3.0, v, 1e-15));
    }

    /// <summary>torch.nn.functional.avg_pool2d(torch.ones(1, 1, 6, 6), 3, 2, 1, ceil_mode=True), printed by hand.</summary>
    [Fact]
    public void Average_counts_padding_but_not_what_lies_beyond_it()
    {
        var g = new PoolGeometry(1, 6, 6, 3, 2, 1, CeilMode: true);
        var y = new double[g.OutSize];
        Pool2d.AvgForward<double>(y, Enumerable.Repeat(1.0, g.InSize).ToArray(), 1, g);
        double[] edge = [4 / 9.0, 6 / 9.0, 6 / 9.0, 2 / 6.0], inner = [6 / 9.0, 1, 1, 3 / 6.0], last = [2 / 6.0, 3 / 6.0, 3 / 6.0, 1 / 4.0];
        double[] expected = [.. edge, .. inner, .. inner, .. last];
        NumericAssert.Close(expected, y);
    }

    [Fact]
    public void Max_never_picks_the_padding()
    {
        var g = new PoolGeometry(2, 5, 5, 3, 2, 1, CeilMode: true);
        var y = new float[g.OutSize];
        Pool2d.MaxForward<float>(y, Enumerable.Repeat(-5f, g.InSize).ToArray(), 1, g);
        Assert.All(y, v => Assert.Equal(-5f, v));
    }

    [Theory]
    [InlineData(3, 2)]  // more than half the kernel: a window could hold nothing but padding
    [InlineData(3, -1)]
    public void Rejects_invalid_padding(int k, int p)
    {
        var g = new PoolGeometry(1, 8, 8, k, 1, p);
        Assert.Throws<ArgumentException>(() => Pool2d.MaxForward<float>(new float[64], new float[64], 1, g));
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
