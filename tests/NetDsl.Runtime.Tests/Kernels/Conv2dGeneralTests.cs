using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Conv2d on the general geometry (groups, depthwise, dilation, rectangular kernel, stride and padding) against the
/// reference by definition and against finite differences. The plain geometry is covered by <see cref="Conv2dTests"/>.
/// </summary>
public sealed class Conv2dGeneralTests
{
    // (in channels, height, width, out channels, kernel, stride, padding, dilation, groups) and the sample count.
    public static readonly Dictionary<string, (ConvGeometry G, int N)> Geometries = new()
    {
        ["groups 2"] = (new(4, 7, 6, 6, (3, 3), (1, 1), (1, 1), (1, 1), 2), 2),
        ["depthwise, multiplier 2"] = (new(3, 7, 7, 6, (3, 3), (1, 1), (1, 1), (1, 1), 3), 2),
        ["depthwise, stride 2"] = (new(4, 8, 7, 4, (3, 3), (2, 2), (1, 1), (1, 1), 4), 1),
        ["dilation 2"] = (new(2, 9, 8, 3, (3, 3), (1, 1), (2, 2), (2, 2), 1), 2),
        ["3x1 kernel, stride (2, 1), padding (1, 0)"] = (new(2, 7, 5, 3, (3, 1), (2, 1), (1, 0), (1, 1), 1), 2),
        // Every parameter differs between the axes.
        ["groups 2, 2x3 kernel, stride (1, 2), padding (0, 2), dilation (2, 3)"] = (new(4, 8, 9, 4, (2, 3), (1, 2), (0, 2), (2, 3), 2), 2),
        ["depthwise 1x3, dilation (1, 2), stride 3, padding 2"] = (new(3, 6, 10, 3, (1, 3), (3, 3), (2, 2), (1, 2), 3), 2),
        ["dilation (3, 2), stride 2: taps skip rows and land in the padding"] = (new(1, 6, 6, 2, (3, 3), (2, 2), (2, 1), (3, 2), 1), 1),
        ["pointwise, groups 2: x is the im2col matrix"] = (new(6, 5, 4, 4, (1, 1), (1, 1), (0, 0), (1, 1), 2), 2),
        // 16 output channels per group: dw by outer products, one group's block at a time (Vector<T> up to 16 floats).
        ["groups 2, 16 channels each: dw by outer products"] = (new(4, 10, 10, 32, (3, 3), (1, 1), (1, 1), (1, 1), 2), 1),
    };

    public static TheoryData<string> Cases => new(Geometries.Keys);

    [Theory, MemberData(nameof(Cases))]
    public void Forward_matches_reference(string name)
    {
        var (g, n) = Geometries[name];
        Conv2dTests.ForwardMatchesReference<float>(g, n);
        Conv2dTests.ForwardMatchesReference<double>(g, n);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Backward_matches_reference(string name)
    {
        var (g, n) = Geometries[name];
        Conv2dTests.BackwardMatchesReference<float>(g, n);
        Conv2dTests.BackwardMatchesReference<double>(g, n);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Without_bias_matches_reference_with_a_zero_bias(string name)
    {
        var (g, n) = Geometries[name];
        Conv2dTests.WithoutBias<float>(g, n);
        Conv2dTests.WithoutBias<double>(g, n);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(string name)
    {
        var (g, n) = Geometries[name];
        var x = TestData.Uniform<double>(1, n * g.InSize);
        var weights = TestData.Uniform<double>(2, g.OutChannels * g.Patch);
        var bias = TestData.Uniform<double>(3, g.OutChannels);
        var scratch = new double[g.ScratchLength];
        new GradientChecker().Check(n * g.OutSize,
            y => Conv2d.Forward<double>(y, x, weights, bias, scratch, n, g),
            (dy, grads) => Conv2d.Backward<double>(grads[0], grads[1], grads[2], dy, x, weights, scratch, n, g),
            ("x", x), ("w", weights), ("b", bias));
    }

    [Fact]
    public void Output_size_is_pytorchs()
    {
        // floor((H + 2p − d·(k − 1) − 1) / s) + 1: rows (9 + 2 − 4 − 1) / 2 + 1 = 4, columns (8 + 0 − 0 − 1) / 1 + 1 = 8.
        var g = new ConvGeometry(2, 9, 8, 4, (3, 1), (2, 1), (1, 0), (2, 5), 2);
        Assert.Equal((4, 8), (g.OutHeight, g.OutWidth));
        Assert.Equal(1 * 3 * 1, g.Patch);
    }

    [Fact]
    public void The_seven_argument_form_is_the_square_ungrouped_undilated_one()
    {
        Assert.Equal(new ConvGeometry(3, 8, 9, 5, (3, 3), (2, 2), (1, 1), (1, 1), 1), new ConvGeometry(3, 8, 9, 5, 3, 2, 1));
        Assert.NotEqual(new ConvGeometry(3, 8, 9, 6, (3, 3), (2, 2), (1, 1), (1, 1), 3), new ConvGeometry(3, 8, 9, 6, 3, 2, 1));
    }

    [Theory]
    [InlineData(4, 6, 3)]   // in channels don't split into 3 groups
    [InlineData(6, 4, 3)]   // out channels don't
    [InlineData(4, 4, 0)]
    public void Rejects_channels_that_do_not_split_into_groups(int cin, int cout, int groups)
    {
        var g = new ConvGeometry(cin, 5, 5, cout, (3, 3), (1, 1), (1, 1), (1, 1), groups);
        var error = Assert.Throws<ArgumentException>(() =>
            Conv2d.Forward<float>(new float[cout * 25], new float[cin * 25], new float[cout * cin * 9], [], new float[4096], 1, g));
        Assert.Equal("g", error.ParamName);
    }

    [Fact]
    public void Rejects_a_dilated_window_wider_than_the_padded_input()
    {
        // Reach 2·(3 − 1) + 1 = 5 > 3 + 2·0, though the undilated kernel would fit.
        var g = new ConvGeometry(1, 3, 3, 1, (3, 3), (1, 1), (0, 0), (2, 2), 1);
        Assert.Throws<ArgumentException>(() =>
            Conv2d.Forward<float>(new float[1], new float[9], new float[9], [], new float[1024], 1, g));
    }

    [Fact]
    public void Scratch_covers_every_groups_im2col_block()
    {
        var (g, n) = Geometries["depthwise, multiplier 2"];
        // One element short: the check must count all three groups' blocks, not one group's Patch.
        var error = Assert.Throws<ArgumentException>(() => Conv2d.Forward<float>(new float[n * g.OutSize], new float[n * g.InSize],
            new float[g.OutChannels * g.Patch], [], new float[g.ScratchLength - 1], n, g));
        Assert.Equal("scratch", error.ParamName);
        Assert.Equal(2 * 3 * 9 * 49, g.ScratchLength);
    }
}
