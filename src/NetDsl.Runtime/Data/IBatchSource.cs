namespace NetDsl.Runtime.Data;

/// <summary>A labelled data set the trainer can draw mini-batches from, in any order.</summary>
public interface IBatchSource
{
    int Count { get; }
    /// <summary>Per-sample input shape (channels, height, width).</summary>
    Shape SampleShape { get; }
    /// <summary>Class labels lie in [0, Classes); for value targets, the floats per sample.</summary>
    int Classes { get; }

    /// <summary>What each sample's target is: one class label unless the source says otherwise.</summary>
    TargetSpec Targets => TargetSpec.Class(Classes);

    /// <summary>
    /// Writes the normalized samples <paramref name="indices"/> back to back into <paramref name="inputs"/> and their
    /// labels into <paramref name="labels"/>: one per sample for <see cref="TargetKind.Class"/>, an H·W map per sample
    /// for <see cref="TargetKind.ClassMap"/>. Sources of <see cref="TargetKind.Values"/> write their targets with the
    /// other overload instead.
    /// </summary>
    void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels);

    /// <summary>Writes samples and their float targets (<see cref="TargetKind.Values"/>), back to back.</summary>
    void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<float> targets) =>
        throw new NotSupportedException($"{GetType().Name} has {Targets}, not float targets.");
}
