using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Tests.Data;

public class SyntheticImagesTests
{
    private static readonly Shape Image = new(3, 4, 5);

    [Fact]
    public void A_sample_depends_only_on_its_index_not_on_the_batch_it_is_drawn_in()
    {
        var data = new SyntheticImages(Image, 7, 100, seed: 9);
        float[] batch = new float[3 * Image.Size], alone = new float[Image.Size];
        int[] labels = new int[3], label = new int[1];
        data.Fill([4, 17, 99], batch, labels);
        data.Fill([17], alone, label);

        Assert.Equal(alone, batch.AsSpan(Image.Size, Image.Size).ToArray());
        Assert.Equal(label[0], labels[1]);
    }

    [Fact]
    public void Values_lie_in_minus_one_to_one_labels_cover_the_classes_and_seeds_differ()
    {
        var data = new SyntheticImages(Image, 7, 500, seed: 1);
        var indices = Enumerable.Range(0, 500).ToArray();
        float[] inputs = new float[500 * Image.Size];
        int[] labels = new int[500];
        data.Fill(indices, inputs, labels);

        Assert.All(inputs, v => Assert.InRange(v, -1f, 1f));
        Assert.Equal(Enumerable.Range(0, 7), labels.Distinct().Order());
        Assert.InRange(inputs.Average(), -0.05, 0.05);

        float[] other = new float[Image.Size];
        new SyntheticImages(Image, 7, 500, seed: 2).Fill([0], other, new int[1]);
        Assert.NotEqual(inputs.AsSpan(0, Image.Size).ToArray(), other);
    }
}
