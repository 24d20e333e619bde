namespace NetDsl.Runtime.Data;

/// <summary>A labelled data set the trainer can draw mini-batches from, in any order.</summary>
public interface IBatchSource
{
    int Count { get; }
    /// <summary>Per-sample input shape (channels, height, width).</summary>
    Shape SampleShape { get; }
    int Classes { get; }

    /// <summary>Writes the normalized samples <paramref name="indices"/> back to back into <paramref name="inputs"/> and their labels into <paramref name="labels"/>.</summary>
    void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels);
}
