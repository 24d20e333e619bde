namespace NetDsl.Runtime.Data;

/// <summary>
/// Uniform noise in [-1, 1) with random labels, a pure function of (seed, index): a data set of any size and shape
/// that costs no memory, for benchmarking networks whose inputs no shipped data set has (224×224 ImageNet shapes).
/// </summary>
public sealed class SyntheticImages(Shape sampleShape, int classes, int count, ulong seed = 1) : IBatchSource
{
    public int Count { get; } = count;
    public Shape SampleShape { get; } = sampleShape;
    public int Classes { get; } = classes;

    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
    {
        int size = SampleShape.Size;
        for (int i = 0; i < indices.Length; i++)
        {
            var random = new SplitMix64(SplitMix64.Hash(seed, 0, (ulong)indices[i]));
            var sample = inputs.Slice(i * size, size);
            for (int j = 0; j < size; j++) sample[j] = (float)(random.NextDouble() * 2 - 1);
            labels[i] = (int)random.NextBelow((uint)Classes);
        }
    }
}
