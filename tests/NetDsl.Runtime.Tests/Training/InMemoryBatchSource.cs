using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>Samples held in arrays; records what the trainer asks for and can run a hook on every fill.</summary>
internal sealed class InMemoryBatchSource(Shape sampleShape, int classes, float[] samples, int[] sampleLabels) : IBatchSource
{
    public int Count => sampleLabels.Length;
    public Shape SampleShape => sampleShape;
    public int Classes => classes;

    /// <summary>The indices of every fill, in order.</summary>
    public List<int[]> Fills { get; } = [];
    public Action<int>? OnFill { get; set; }

    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
    {
        int size = sampleShape.Size;
        for (int i = 0; i < indices.Length; i++)
        {
            samples.AsSpan(indices[i] * size, size).CopyTo(inputs.Slice(i * size, size));
            labels[i] = sampleLabels[indices[i]];
        }
        Fills.Add(indices.ToArray());
        OnFill?.Invoke(Fills.Count);
    }

    /// <summary>
    /// Three Gaussian blobs in the 4 pixels of a (1, 2, 2) image, one per class, far enough apart to be linearly separable.
    /// </summary>
    public static InMemoryBatchSource Blobs(int count, int seed = 1)
    {
        var random = new Random(seed);
        float[][] centres = [[2, 0, 0, -1], [-1, 2, 0, 0], [0, -1, -2, 1]];
        var inputs = new float[count * 4];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 3;
            for (int f = 0; f < 4; f++) inputs[n * 4 + f] = centres[n % 3][f] + (float)(0.3 * Gaussian(random));
        }
        return new InMemoryBatchSource(new Shape(1, 2, 2), 3, inputs, labels);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
