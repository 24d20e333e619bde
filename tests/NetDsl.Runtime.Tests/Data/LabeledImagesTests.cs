using NetDsl.Runtime.Data;
using static NetDsl.Runtime.Tests.Data.IdxBytes;

namespace NetDsl.Runtime.Tests.Data;

public sealed class LabeledImagesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private LabeledImages Load(byte[] images, byte[] labels, int classes = 10, float mean = 0f, float std = 1f) =>
        LabeledImages.Load(_dir.Write("images", images), _dir.Write("labels", labels), classes, mean, std);

    [Fact]
    public void Loads_count_shape_and_classes()
    {
        var data = Load(Images(count: 3, height: 4, width: 5), Labels(2, 0, 9), classes: 10);

        Assert.Equal(3, data.Count);
        Assert.Equal(new Shape(1, 4, 5), data.SampleShape);
        Assert.Equal(10, data.Classes);
        Assert.Equal([2, 0, 9], data.Labels.ToArray());
        Assert.Equal(Pixels(60)[20..40], data.Pixels(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Pixels(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Pixels(-1));
    }

    [Fact]
    public void Fill_writes_normalized_samples_and_labels_in_the_order_asked()
    {
        const float mean = 0.25f, std = 0.5f;
        var data = Load(Images(count: 3, height: 2, width: 3), Labels(7, 8, 9), mean: mean, std: std);
        int[] indices = [2, 0, 2];
        var inputs = new float[indices.Length * 6];
        var labels = new int[indices.Length];

        data.Fill(indices, inputs, labels);

        byte[] pixels = Pixels(18);
        for (int i = 0; i < indices.Length; i++)
            for (int j = 0; j < 6; j++)
                Assert.Equal((pixels[indices[i] * 6 + j] / 255.0 - mean) / std, inputs[i * 6 + j], tolerance: 1e-6);
        Assert.Equal([9, 7, 9], labels);
    }

    [Fact]
    public void Fill_leaves_the_rest_of_longer_destinations_alone()
    {
        var data = Load(Images(count: 2, height: 1, width: 2), Labels(1, 0));
        var inputs = Enumerable.Repeat(-7f, 6).ToArray();
        var labels = Enumerable.Repeat(-7, 3).ToArray();

        data.Fill([1], inputs, labels);

        Assert.Equal([Pixels(4)[2] / 255f, Pixels(4)[3] / 255f, -7f, -7f, -7f, -7f], inputs);
        Assert.Equal([0, -7, -7], labels);
    }

    [Fact]
    public void Fill_rejects_indices_outside_the_set_and_destinations_too_short()
    {
        var data = Load(Images(count: 2, height: 2, width: 2), Labels(1, 0));

        var index = Assert.Throws<ArgumentOutOfRangeException>(() => data.Fill([0, 2], new float[8], new int[2]));
        var inputs = Assert.Throws<ArgumentException>(() => data.Fill([0, 1], new float[7], new int[2]));
        var labels = Assert.Throws<ArgumentException>(() => data.Fill([0, 1], new float[8], new int[1]));

        Assert.Contains("indices[1] is 2, outside 0 to 1 for 2 samples", index.Message);
        Assert.Contains("2 samples of shape (1,2,2) need 8 floats, but inputs holds 7", inputs.Message);
        Assert.Contains("2 samples need 2 labels, but labels holds 1", labels.Message);
    }

    [Fact]
    public void Images_must_be_a_3d_ubyte_array()
    {
        var flat = Assert.Throws<IdxFormatException>(() => Load(Build(UByteCode, [2, 16], Pixels(32)), Labels(0, 1)));
        var int32 = Assert.Throws<IdxFormatException>(() => Load(Build(Int32Code, [2, 2, 2], new byte[32]), Labels(0, 1)));

        Assert.Equal($"{_dir.File("images")}: expected a 3-D ubyte image array (count × height × width), found a 2-D ubyte array (2 × 16 ubyte)", flat.Message);
        Assert.Equal($"{_dir.File("images")}: expected a 3-D ubyte image array (count × height × width), found a 3-D int32 array (2 × 2 × 2 int32)", int32.Message);
    }

    [Fact]
    public void Images_must_have_pixels()
    {
        var e = Assert.Throws<IdxFormatException>(() => Load(Build(UByteCode, [2, 0, 28], []), Labels(0, 1)));

        Assert.Equal($"{_dir.File("images")}: expected images of at least 1 × 1 pixels, found 0 × 28", e.Message);
    }

    [Fact]
    public void Labels_must_be_a_1d_ubyte_array()
    {
        var e = Assert.Throws<IdxFormatException>(() => Load(Images(2, 2, 2), Build(UByteCode, [2, 1], [0, 1])));

        Assert.Equal($"{_dir.File("labels")}: expected a 1-D ubyte label array (count), found a 2-D ubyte array (2 × 1 ubyte)", e.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        var e = Assert.Throws<IdxFormatException>(() => Load(Images(count: 3, height: 2, width: 2), Labels(0, 1)));

        Assert.Equal($"{_dir.File("labels")}: expected 3 labels, one per image in {_dir.File("images")}, found 2", e.Message);
    }

    [Fact]
    public void Every_label_must_be_below_the_class_count()
    {
        var e = Assert.Throws<IdxFormatException>(() => Load(Images(count: 4, height: 1, width: 1), Labels(0, 9, 10, 12), classes: 10));

        Assert.Equal($"{_dir.File("labels")}: expected labels 0 to 9 for 10 classes, found 10 at index 2", e.Message);
    }

    [Fact]
    public void Labels_up_to_255_are_valid_with_256_classes()
    {
        var data = Load(Images(count: 2, height: 1, width: 1), Labels(0, 255), classes: 256);

        Assert.Equal([0, 255], data.Labels.ToArray());
    }

    [Theory]
    [InlineData(0, 0f, 1f, "classes")]
    [InlineData(10, float.NaN, 1f, "mean")]
    [InlineData(10, 0f, 0f, "std")]
    [InlineData(10, 0f, float.PositiveInfinity, "std")]
    public void Normalization_and_class_count_are_checked_before_reading(int classes, float mean, float std, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LabeledImages.Load(_dir.File("absent"), _dir.File("absent"), classes, mean, std));

        Assert.Equal(parameter, e.ParamName);
    }
}
