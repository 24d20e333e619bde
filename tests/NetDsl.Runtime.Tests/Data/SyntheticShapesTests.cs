using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Tests.Data;

public class SyntheticShapesTests
{
    private const int Size = 32, Pixels = Size * Size;

    private static (float[] Images, int[] Labels) Draw(SyntheticShapes data, params int[] indices)
    {
        float[] images = new float[indices.Length * 3 * Pixels];
        int[] labels = new int[indices.Length * Pixels];
        data.Fill(indices, images, labels);
        return (images, labels);
    }

    [Fact]
    public void A_sample_depends_only_on_its_seed_and_index()
    {
        var (batch, batchLabels) = Draw(new SyntheticShapes(100, seed: 9), 4, 17, 99);
        var (alone, aloneLabels) = Draw(new SyntheticShapes(100, seed: 9), 17);
        var (other, _) = Draw(new SyntheticShapes(100, seed: 10), 17);

        Assert.Equal(alone, batch.AsSpan(3 * Pixels, 3 * Pixels).ToArray());
        Assert.Equal(aloneLabels, batchLabels.AsSpan(Pixels, Pixels).ToArray());
        Assert.NotEqual(alone, other);
    }

    [Fact]
    public void Targets_are_label_maps_of_the_four_classes_with_the_ignore_label()
    {
        var data = new SyntheticShapes(10, size: 24, ignoreLabel: 99);
        Assert.Equal(new Shape(3, 24, 24), data.SampleShape);
        Assert.Equal(TargetSpec.ClassMap(4, 24, 24, 99), data.Targets);
        Assert.Equal(SyntheticShapes.ClassCount, data.Classes);
    }

    [Fact]
    public void Every_class_appears_and_each_shape_is_one_connected_region_of_its_colour()
    {
        var data = new SyntheticShapes(200, ignoreBorder: 0);
        var (images, labels) = Draw(data, Enumerable.Range(0, 200).ToArray());
        var pixelsPerClass = new long[SyntheticShapes.ClassCount];
        foreach (int label in labels) pixelsPerClass[label]++;

        // Background dominates, and the three shape kinds cover similar areas (their sizes are matched).
        Assert.InRange(pixelsPerClass[SyntheticShapes.Background] / (double)labels.Length, 0.7, 0.95);
        for (int kind = SyntheticShapes.Circle; kind <= SyntheticShapes.Triangle; kind++)
            Assert.InRange(pixelsPerClass[kind] / (double)(labels.Length - pixelsPerClass[0]), 0.2, 0.45);

        // A shape is painted in one colour, so its pixels vary by the noise only; the background differs from it.
        for (int n = 0; n < 20; n++)
        {
            var map = labels.AsSpan(n * Pixels, Pixels);
            var red = images.AsSpan(n * 3 * Pixels, Pixels).ToArray();
            int first = map.IndexOfAnyExcept(SyntheticShapes.Background);
            Assert.True(first >= 0, $"sample {n} has no shape");
            var region = Flood(map, first);
            double mean = region.Average(p => red[p]);
            Assert.All(region, p => Assert.InRange(red[p], mean - 0.6, mean + 0.6));   // 6 σ of the noise
        }
    }

    [Fact]
    public void The_ignore_label_marks_the_rim_inside_each_shape_and_only_there()
    {
        var plain = Draw(new SyntheticShapes(50, seed: 3, ignoreBorder: 0), Enumerable.Range(0, 50).ToArray());
        var marked = Draw(new SyntheticShapes(50, seed: 3, ignoreBorder: 1), Enumerable.Range(0, 50).ToArray());
        Assert.Equal(plain.Images, marked.Images);

        int ignored = 0;
        for (int i = 0; i < plain.Labels.Length; i++)
        {
            int n = i / Pixels, y = i % Pixels / Size, x = i % Size, own = plain.Labels[i];
            bool rim = own != SyntheticShapes.Background && Neighbours(x, y).Any(q => plain.Labels[n * Pixels + q] != own);
            Assert.Equal(rim ? SyntheticShapes.DefaultIgnoreLabel : own, marked.Labels[i]);
            if (rim) ignored++;
        }
        Assert.InRange(ignored / (double)plain.Labels.Length, 0.02, 0.15);
    }

    [Theory]
    [InlineData(-1, 32, 3, 1, 255, "count")]
    [InlineData(10, 15, 3, 0, 255, "size")]
    [InlineData(10, 32, 0, 1, 255, "maxShapes")]
    [InlineData(10, 32, 3, 3, 255, "ignoreBorder")]
    [InlineData(10, 32, 3, -1, 255, "ignoreBorder")]
    [InlineData(10, 32, 3, 1, 2, "ignoreLabel")]
    public void Bad_arguments_are_refused_by_name(int count, int size, int maxShapes, int ignoreBorder, int ignoreLabel, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SyntheticShapes(count, 1, size, maxShapes, ignoreBorder, ignoreLabel));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Indices_outside_the_set_and_wrong_buffer_sizes_are_refused()
    {
        var data = new SyntheticShapes(5);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Fill([5], new float[3 * Pixels], new int[Pixels]));
        var error = Assert.Throws<ArgumentException>(() => data.Fill([0, 1], new float[3 * Pixels], new int[2 * Pixels]));
        Assert.Contains($"{2 * 3 * Pixels} inputs", error.Message);
    }

    private static IEnumerable<int> Neighbours(int x, int y)
    {
        for (int v = Math.Max(0, y - 1); v <= Math.Min(Size - 1, y + 1); v++)
            for (int u = Math.Max(0, x - 1); u <= Math.Min(Size - 1, x + 1); u++)
                yield return v * Size + u;
    }

    /// <summary>The 4-connected pixels with the label of <paramref name="start"/>.</summary>
    private static List<int> Flood(ReadOnlySpan<int> map, int start)
    {
        var region = new List<int>();
        var seen = new bool[map.Length];
        var todo = new Stack<int>([start]);
        seen[start] = true;
        while (todo.Count > 0)
        {
            int p = todo.Pop();
            region.Add(p);
            int x = p % Size, y = p / Size;
            foreach (int q in new[] { x > 0 ? p - 1 : -1, x < Size - 1 ? p + 1 : -1, y > 0 ? p - Size : -1, y < Size - 1 ? p + Size : -1 })
                if (q >= 0 && !seen[q] && map[q] == map[start]) { seen[q] = true; todo.Push(q); }
        }
        return region;
    }
}
