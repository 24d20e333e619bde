namespace NetDsl.Runtime.Data;

/// <summary>Samples already in memory as normalized floats: for checks and small experiments.</summary>
public sealed class ArrayBatchSource : IBatchSource
{
    private readonly float[] _inputs;
    private readonly int[] _labels;

    public ArrayBatchSource(Shape sampleShape, int classes, float[] inputs, int[] labels)
    {
        if (inputs.Length != labels.Length * sampleShape.Size)
            throw new ArgumentException($"{labels.Length} samples of {sampleShape} need {labels.Length * sampleShape.Size} inputs, got {inputs.Length}.", nameof(inputs));
        foreach (int label in labels)
            if (label < 0 || label >= classes) throw new ArgumentOutOfRangeException(nameof(labels), label, $"Labels must lie in [0, {classes}).");
        (SampleShape, Classes, _inputs, _labels) = (sampleShape, classes, inputs, labels);
    }

    public int Count => _labels.Length;
    public Shape SampleShape { get; }
    public int Classes { get; }

    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
    {
        int size = SampleShape.Size;
        for (int i = 0; i < indices.Length; i++)
        {
            _inputs.AsSpan(indices[i] * size, size).CopyTo(inputs.Slice(i * size, size));
            labels[i] = _labels[indices[i]];
        }
    }
}
