using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Tests.Data;

public class ArrayBatchSourceTests
{
    private static readonly Shape Pair = new(1, 1, 2);

    [Fact]
    public void Fills_the_requested_samples_in_order()
    {
        var source = new ArrayBatchSource(Pair, 3, [1, 2, 3, 4, 5, 6], [0, 1, 2]);
        var inputs = new float[4];
        var labels = new int[2];

        source.Fill([2, 0], inputs, labels);

        Assert.Equal([5f, 6, 1, 2], inputs);
        Assert.Equal([2, 0], labels);
    }

    [Fact]
    public void Rejects_inputs_that_do_not_match_the_labels_and_labels_out_of_range()
    {
        Assert.Contains("need 6 inputs, got 5", Assert.Throws<ArgumentException>(() => new ArrayBatchSource(Pair, 3, new float[5], [0, 1, 2])).Message);
        Assert.Equal(3, Assert.Throws<ArgumentOutOfRangeException>(() => new ArrayBatchSource(Pair, 3, new float[6], [0, 3, 1])).ActualValue);
    }
}
