using NetDsl.Runtime.Data;
using NetDsl.Runtime.Tests.Training;
using static NetDsl.Runtime.Tests.Data.IdxBytes;

namespace NetDsl.Runtime.Tests.Data;

public sealed class AugmentedBatchSourceTests
{
    private static readonly Shape Rgb = new(3, 4, 5);      // not square, so a transposed row or column shows
    private static readonly float[] RgbPadValues = [-1, -2, -3];   // unlike any pixel, and different per channel

    /// <summary>count samples whose values are all distinct and positive, labelled n mod 10.</summary>
    private static InMemoryBatchSource DistinctImages(int count, Shape shape)
    {
        var pixels = Enumerable.Range(1, count * shape.Size).Select(v => (float)v).ToArray();
        return new InMemoryBatchSource(shape, 10, pixels, Enumerable.Range(0, count).Select(n => n % 10).ToArray());
    }

    private static (float[] Inputs, int[] Labels) Fill(IBatchSource source, params int[] indices)
    {
        var inputs = new float[indices.Length * source.SampleShape.Size];
        var labels = new int[indices.Length];
        source.Fill(indices, inputs, labels);
        return (inputs, labels);
    }

    /// <summary>torchvision's definition, step by step: pad, cut the window, mirror it.</summary>
    private static float[] PadCropFlip(ReadOnlySpan<float> sample, Shape shape, int padding, float[] padValues, SampleAugmentation choice)
    {
        int height = shape.Height, width = shape.Width, paddedWidth = width + 2 * padding;
        var result = new float[shape.Size];
        for (int c = 0; c < shape.Channels; c++)
        {
            var padded = Enumerable.Repeat(padValues[c], (height + 2 * padding) * paddedWidth).ToArray();
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    padded[(y + padding) * paddedWidth + x + padding] = sample[(c * height + y) * width + x];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int column = choice.Flip ? width - 1 - x : x;
                    result[(c * height + y) * width + x] = padded[(choice.Top + y) * paddedWidth + choice.Left + column];
                }
        }
        return result;
    }

    [Fact]
    public void No_padding_and_no_flips_is_the_identity()
    {
        var inner = DistinctImages(8, Rgb);
        var augmented = new AugmentedBatchSource(inner, padding: 0, flipProbability: 0, RgbPadValues, seed: 5);
        int[] indices = [3, 0, 7, 3];

        var (inputs, labels) = Fill(augmented, indices);

        var expected = Fill(inner, indices);
        Assert.Equal(expected.Inputs, inputs);
        Assert.Equal(expected.Labels, labels);
        Assert.Equal((inner.Count, inner.SampleShape, inner.Classes), (augmented.Count, augmented.SampleShape, augmented.Classes));
    }

    [Fact]
    public void A_flip_reverses_every_row_of_every_channel()
    {
        var inner = DistinctImages(1, new Shape(2, 2, 3));
        var augmented = Augmentation.CropAndFlip(inner, padValue: -1, padding: 0, flipProbability: 1);

        var (inputs, _) = Fill(augmented, 0);

        Assert.Equal([3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10], inputs);
    }

    [Fact]
    public void A_crop_shifts_the_image_and_fills_what_comes_in_from_outside_with_the_pad_value()
    {
        // Nine copies of one 3 × 3 image, so only the choice differs between samples.
        var image = new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        var inner = new InMemoryBatchSource(new Shape(1, 3, 3), 1, [.. Enumerable.Repeat(image, 64).SelectMany(i => i)], new int[64]);
        var augmented = Augmentation.CropAndFlip(inner, padValue: -1, padding: 1, flipProbability: 0, seed: 3);
        int IndexWith(int top, int left) => Enumerable.Range(0, 64).First(i => augmented.AugmentationFor(i) == new SampleAugmentation(top, left, false));

        Assert.Equal([-1, -1, -1, -1, 1, 2, -1, 4, 5], Fill(augmented, IndexWith(top: 0, left: 0)).Inputs);
        Assert.Equal([4, 5, 6, 7, 8, 9, -1, -1, -1], Fill(augmented, IndexWith(top: 2, left: 1)).Inputs);
        Assert.Equal([2, 3, -1, 5, 6, -1, 8, 9, -1], Fill(augmented, IndexWith(top: 1, left: 2)).Inputs);
        Assert.Equal(image, Fill(augmented, IndexWith(top: 1, left: 1)).Inputs);
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 0.5)]
    [InlineData(2, 1.0)]
    [InlineData(6, 0.5)]   // wider than the image: some windows are all padding
    public void Every_sample_is_its_padded_image_cropped_then_flipped_and_keeps_its_label(int padding, double flipProbability)
    {
        var inner = DistinctImages(200, Rgb);
        var augmented = new AugmentedBatchSource(inner, padding, flipProbability, RgbPadValues, seed: 11) { Epoch = 2 };
        int[] indices = [.. Enumerable.Range(0, inner.Count).Reverse()];

        var (inputs, labels) = Fill(augmented, indices);

        var original = Fill(inner, indices);
        var choices = indices.Select(augmented.AugmentationFor).ToArray();
        for (int i = 0; i < indices.Length; i++)
        {
            var sample = original.Inputs.AsSpan(i * Rgb.Size, Rgb.Size);
            Assert.Equal(PadCropFlip(sample, Rgb, padding, RgbPadValues, choices[i]), inputs.AsSpan(i * Rgb.Size, Rgb.Size).ToArray());
        }
        Assert.Equal(original.Labels, labels);
        // The comparison above covers flipped and unflipped crops at many offsets, not one lucky case.
        Assert.Equal(flipProbability == 1 ? 1 : 2, choices.Select(c => c.Flip).Distinct().Count());
        Assert.True(choices.Select(c => (c.Top, c.Left)).Distinct().Count() >= Math.Min(20, (2 * padding + 1) * (2 * padding + 1)));
    }

    [Fact]
    public void Every_offset_in_range_occurs_about_equally_often()
    {
        const int padding = 2, draws = 10_000, offsets = 2 * padding + 1;
        var augmented = Augmentation.CropAndFlip(DistinctImages(draws, new Shape(1, 1, 1)), padValue: 0, padding, seed: 1);

        var counts = new int[offsets, offsets];
        for (int i = 0; i < draws; i++)
        {
            var choice = augmented.AugmentationFor(i);
            counts[choice.Top, choice.Left]++;   // throws if an offset is out of range
        }

        const double expected = (double)draws / (offsets * offsets);   // 400, with a standard deviation of about 20
        foreach (int count in counts)
            Assert.InRange(count, 0.8 * expected, 1.2 * expected);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public void Samples_are_flipped_with_the_given_probability(double flipProbability)
    {
        const int draws = 10_000;
        var augmented = Augmentation.CropAndFlip(DistinctImages(draws, new Shape(1, 1, 1)), padValue: 0, padding: 1, flipProbability, seed: 2);

        double flipped = Enumerable.Range(0, draws).Count(i => augmented.AugmentationFor(i).Flip) / (double)draws;

        Assert.Equal(flipProbability, flipped, tolerance: 0.02);   // about 4 standard deviations at p = 0.3
    }

    [Fact]
    public void Choices_depend_only_on_seed_epoch_and_sample_index()
    {
        var inner = DistinctImages(16, Rgb);
        AugmentedBatchSource Make(ulong seed, int epoch) => new(inner, padding: 2, flipProbability: 0.5, RgbPadValues, seed) { Epoch = epoch };
        float[] Sample(IBatchSource source, int index) => Fill(source, index).Inputs;
        int[] all = [.. Enumerable.Range(0, 16)];

        // A fresh instance (as after resuming) and a different batch composition, order and fill history.
        var resumed = Make(seed: 9, epoch: 4);
        Fill(resumed, 15, 3, 3, 8);
        var batch = Fill(Make(seed: 9, epoch: 4), all).Inputs;
        foreach (int index in all)
            Assert.Equal(batch.AsSpan(index * Rgb.Size, Rgb.Size).ToArray(), Sample(resumed, index));

        Assert.NotEqual(batch, Fill(Make(seed: 9, epoch: 5), all).Inputs);
        Assert.NotEqual(batch, Fill(Make(seed: 10, epoch: 4), all).Inputs);
        resumed.Epoch = 5;
        Assert.Equal(Fill(Make(seed: 9, epoch: 5), all).Inputs, Fill(resumed, all).Inputs);
    }

    [Fact]
    public void Padding_a_black_image_from_the_factory_changes_nothing_because_it_pads_with_normalized_black()
    {
        using var dir = new TempDirectory();
        const float mean = 0.2860f, std = 0.3530f;
        var black = LabeledImages.Load(dir.Write("images", Build(UByteCode, [32, 3, 3], new byte[32 * 9])),
            dir.Write("labels", Labels(new byte[32])), classes: 1, mean, std);
        var augmented = Augmentation.CropAndFlip(black, padding: 2, flipProbability: 0.5, seed: 4);
        int[] indices = [.. Enumerable.Range(0, 32)];

        var (inputs, _) = Fill(augmented, indices);

        Assert.Equal(Fill(black, indices).Inputs, inputs);
        Assert.Equal([-mean / std], augmented.PadValues.ToArray());
        Assert.Contains(indices, i => augmented.AugmentationFor(i) != new SampleAugmentation(2, 2, false));   // padding was used
    }

    [Fact]
    public void Fill_allocates_nothing()
    {
        using var dir = new TempDirectory();
        var images = LabeledImages.Load(dir.Write("images", Images(count: 64, height: 28, width: 28)),
            dir.Write("labels", Labels(new byte[64])), classes: 1);
        var augmented = Augmentation.CropAndFlip(images, padding: 2, flipProbability: 0.5, seed: 1);
        int[] indices = [.. Enumerable.Range(0, 64)];
        var inputs = new float[64 * 28 * 28];
        var labels = new int[64];
        augmented.Fill(indices, inputs, labels);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int epoch = 0; epoch < 10; epoch++)
        {
            augmented.Epoch = epoch;
            augmented.Fill(indices, inputs, labels);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Rejects_invalid_settings()
    {
        var inner = DistinctImages(4, Rgb);

        Assert.Throws<ArgumentNullException>(() => new AugmentedBatchSource(null!, 2, 0.5, RgbPadValues));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentedBatchSource(inner, -1, 0.5, RgbPadValues));
        foreach (double p in new[] { -0.1, 1.1, double.NaN })
            Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentedBatchSource(inner, 2, p, RgbPadValues));
        var count = Assert.Throws<ArgumentException>(() => new AugmentedBatchSource(inner, 2, 0.5, [0f]));
        Assert.Contains("Samples of shape (3,4,5) need 3 pad value(s), one per channel; got 1", count.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentedBatchSource(inner, 2, 0.5, [0f, float.NaN, 0f]));

        var augmented = Augmentation.CropAndFlip(inner, padValue: 0);
        Assert.Equal([0f, 0f, 0f], augmented.PadValues.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => augmented.Epoch = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => augmented.AugmentationFor(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => augmented.AugmentationFor(-1));
    }
}
