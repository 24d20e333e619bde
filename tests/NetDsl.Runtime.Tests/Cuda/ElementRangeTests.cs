using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

public sealed class ElementRangeTests
{
    [Theory]
    [InlineData(0, 10, 10, 0)]
    [InlineData(3, 7, 10, 12)]
    [InlineData(10, 0, 10, 40)]
    public void A_range_inside_the_buffer_gives_its_byte_offset(long index, long count, long length, long offset)
    {
        Assert.Equal(offset, ElementRange.Offset(index, count, length, sizeof(float), "Single"));
    }

    [Theory]
    [InlineData(-1, 1, 10)]
    [InlineData(0, 11, 10)]
    [InlineData(8, 3, 10)]
    [InlineData(11, 0, 10)]
    [InlineData(long.MaxValue, 2, 10)]
    public void A_range_outside_the_buffer_is_rejected_before_any_copy(long index, long count, long length)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ElementRange.Offset(index, count, length, sizeof(int), "Int32"));

        Assert.Contains($"do not fit a buffer of {length} Int32 elements", e.Message);
    }
}
