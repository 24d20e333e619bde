using NetDsl.Runtime.Data;
using NetDsl.Runtime.Tests.Networks;

namespace NetDsl.Runtime.Tests.Data;

public class ArrayBatchSourceTests
{
    private static readonly Shape Pair = new(1, 1, 2);
    private static readonly TargetSpec Maps = TargetSpec.ClassMap(3, 1, 2, ignoreLabel: 255);   // a 1×2 map per sample
    private static readonly TargetSpec TwoValues = TargetSpec.Values(new Shape(2, 1, 1));

    [Fact]
    public void Fills_the_requested_samples_in_order()
    {
        var source = new ArrayBatchSource(Pair, 3, [1, 2, 3, 4, 5, 6], [0, 1, 2]);
        var inputs = new float[4];
        var labels = new int[2];

        source.Fill([2, 0], inputs, labels);

        Assert.Equal([5f, 6, 1, 2], inputs);
        Assert.Equal([2, 0], labels);
        Assert.Equal(TargetSpec.Class(3), source.Targets);
    }

    [Fact]
    public void Fills_label_maps_with_their_samples_and_keeps_ignored_pixels()
    {
        var source = new ArrayBatchSource(Pair, Maps, [1, 2, 3, 4, 5, 6], [0, 1, 255, 2, 1, 1]);
        var inputs = new float[6];
        var labels = new int[6];   // longer than needed, as a workspace is

        source.Fill([1, 2], inputs, labels);

        Assert.Equal((3, 3, Maps), (source.Count, source.Classes, source.Targets));
        Assert.Equal([3f, 4, 5, 6, 0, 0], inputs);
        Assert.Equal([255, 2, 1, 1, 0, 0], labels);
    }

    [Fact]
    public void Fills_float_targets_with_their_samples()
    {
        var source = new ArrayBatchSource(Pair, TwoValues, [1, 2, 3, 4], [0.5f, -1, 2.25f, 3]);
        var inputs = new float[4];
        var targets = new float[4];

        source.Fill([1, 0], inputs, targets);

        Assert.Equal((2, 2, TwoValues), (source.Count, source.Classes, source.Targets));
        Assert.Equal([3f, 4, 1, 2], inputs);
        Assert.Equal([2.25f, 3, 0.5f, -1], targets);
    }

    [Fact]
    public void For_takes_the_input_shape_and_targets_from_the_network()
    {
        var pixel = new PixelHead();
        var maps = ArrayBatchSource.For(pixel, new float[2 * 72], Enumerable.Repeat(255, 2 * 36).ToArray());
        Assert.Equal((2, pixel.Description.Input, pixel.Description.Targets), (maps.Count, maps.SampleShape, maps.Targets));

        var regression = new SquaredErrorHead();
        var values = ArrayBatchSource.For(regression, new float[3 * 25], new float[3 * 2]);
        Assert.Equal((3, regression.Description.Targets), (values.Count, values.Targets));
    }

    [Fact]
    public void Rejects_inputs_that_do_not_match_the_labels_and_labels_out_of_range()
    {
        Assert.Contains("need 6 inputs, got 5", Assert.Throws<ArgumentException>(() => new ArrayBatchSource(Pair, 3, new float[5], [0, 1, 2])).Message);
        Assert.Equal(3, Assert.Throws<ArgumentOutOfRangeException>(() => new ArrayBatchSource(Pair, 3, new float[6], [0, 3, 1])).ActualValue);
        // The ignore label belongs to label maps: a class label of 255 or -100 is out of range.
        Assert.Equal(255, Assert.Throws<ArgumentOutOfRangeException>(() => new ArrayBatchSource(Pair, 3, new float[4], [0, 255])).ActualValue);
        Assert.Equal(-100, Assert.Throws<ArgumentOutOfRangeException>(() => new ArrayBatchSource(Pair, 3, new float[4], [-100, 0])).ActualValue);
    }

    [Fact]
    public void Rejects_label_maps_that_are_not_whole_or_hold_labels_out_of_range()
    {
        var partial = Assert.Throws<ArgumentException>(() => new ArrayBatchSource(Pair, Maps, new float[4], [0, 1, 2]));
        Assert.Contains("3 labels are not whole samples of (1,2) label maps of 3 classes, label 255 ignored (2 per sample)", partial.Message);

        var inputs = Assert.Throws<ArgumentException>(() => new ArrayBatchSource(Pair, Maps, new float[6], [0, 1, 2, 0]));
        Assert.Contains("2 samples of (1,1,2) need 4 inputs, got 6", inputs.Message);

        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => new ArrayBatchSource(Pair, Maps, new float[4], [0, 1, 2, 3]));
        Assert.Equal(3, outOfRange.ActualValue);
        Assert.Contains("labels[3] (pixel 1 of sample 1) is 3, outside [0, 3) and not the ignore label 255", outOfRange.Message);

        // -100, PyTorch's default ignore label, is not this spec's.
        Assert.Contains("is -100, outside [0, 3) and not the ignore label 255",
            Assert.Throws<ArgumentOutOfRangeException>(() => new ArrayBatchSource(Pair, Maps, new float[4], [0, -100, 2, 1])).Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Rejects_targets_that_are_not_finite(float bad)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ArrayBatchSource(Pair, TwoValues, new float[4], [0, 1, 2, bad]));
        Assert.Equal(bad, e.ActualValue);
        Assert.Contains($"values[3] (output 1 of sample 1) is {bad}; targets must be finite", e.Message);
    }

    [Fact]
    public void Rejects_float_targets_that_are_not_whole_samples_or_do_not_match_the_inputs()
    {
        Assert.Contains("5 targets are not whole samples of (2) float targets (2 per sample)",
            Assert.Throws<ArgumentException>(() => new ArrayBatchSource(Pair, TwoValues, new float[4], new float[5])).Message);
        Assert.Contains("3 samples of (1,1,2) need 6 inputs, got 4",
            Assert.Throws<ArgumentException>(() => new ArrayBatchSource(Pair, TwoValues, new float[4], new float[6])).Message);
    }

    [Fact]
    public void Rejects_targets_of_the_wrong_kind_for_the_spec()
    {
        Assert.Contains("(2) float targets are floats: pass them as float[], not as 2 int labels",
            Assert.Throws<ArgumentException>(() => new ArrayBatchSource(Pair, TwoValues, new float[2], [0, 1])).Message);
        Assert.Contains("(1,2) label maps of 3 classes, label 255 ignored are integers: pass them as int[], not as 2 floats",
            Assert.Throws<ArgumentException>(() => new ArrayBatchSource(Pair, Maps, new float[2], new float[2])).Message);
        Assert.Contains("need Classes = 2, the floats per sample; got 3",
            Assert.Throws<ArgumentException>(() => new ArrayBatchSource(Pair, TwoValues with { Classes = 3 }, new float[2], new float[2])).Message);
        Assert.Contains("at least 1 class; the spec has 0",
            Assert.Throws<ArgumentException>(() => new ArrayBatchSource(Pair, 0, [], [])).Message);
    }

    [Fact]
    public void Fills_only_through_the_overload_of_its_targets_and_checks_the_destinations()
    {
        var labels = new ArrayBatchSource(Pair, Maps, [1, 2, 3, 4], [0, 1, 2, 255]);
        var values = new ArrayBatchSource(Pair, TwoValues, [1, 2, 3, 4], new float[] { 0, 1, 2, 3 });
        IBatchSource asInterface = labels;

        Assert.Throws<NotSupportedException>(() => asInterface.Fill([0], new float[2], new float[2]));
        Assert.Throws<NotSupportedException>(() => values.Fill([0], new float[2], new int[2]));
        Assert.Contains("2 samples need 4 labels, but labels holds 3",
            Assert.Throws<ArgumentException>(() => labels.Fill([0, 1], new float[4], new int[3])).Message);
        Assert.Contains("2 samples of (1,1,2) need 4 inputs, but inputs holds 3",
            Assert.Throws<ArgumentException>(() => values.Fill([0, 1], new float[3], new float[4])).Message);
        Assert.Contains("indices[1] is 2, outside 0 to 1 for 2 samples",
            Assert.Throws<ArgumentOutOfRangeException>(() => values.Fill([0, 2], new float[4], new float[4])).Message);
    }
}
