namespace NetDsl.Runtime.Data;

/// <summary>
/// Samples already in memory as normalized floats, with targets of any kind: for checks and small experiments.
/// Everything is validated once, here, so a bad label or target fails before training rather than mid-epoch.
/// </summary>
/// <remarks>
/// The arrays are used as given, not copied. The number of samples comes from the targets; the inputs must then hold
/// exactly that many samples. The easiest start is <see cref="For(INetwork, float[], int[])"/> or
/// <see cref="For(INetwork, float[], float[])"/>, which take the input shape and target spec from the network:
/// <code>
/// var data = ArrayBatchSource.For(new Segmenter(), images, labelMaps);   // N·H·W labels, IgnoreLabel allowed
/// var data = ArrayBatchSource.For(new Regressor(), inputs, targets);     // N·outputs finite floats
/// </code>
/// </remarks>
public sealed class ArrayBatchSource : IBatchSource
{
    private readonly float[] _inputs;
    private readonly int[] _labels;     // LabelsPerSample per sample; empty for value targets
    private readonly float[] _values;   // ValuesPerSample per sample; empty for labels

    /// <summary>One class label per sample, in [0, <paramref name="classes"/>).</summary>
    public ArrayBatchSource(Shape sampleShape, int classes, float[] inputs, int[] labels)
        : this(sampleShape, TargetSpec.Class(classes), inputs, labels)
    {
    }

    /// <summary>
    /// Integer targets: one class label per sample (<see cref="TargetKind.Class"/>), or an H·W label map per sample in
    /// row-major order (<see cref="TargetKind.ClassMap"/>), whose pixels may also carry the spec's ignore label.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is for float targets, or the lengths are not whole samples.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, classes) and not the ignore label.</exception>
    public ArrayBatchSource(Shape sampleShape, TargetSpec targets, float[] inputs, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (targets.Kind == TargetKind.Values)
            throw new ArgumentException($"{targets} are floats: pass them as float[], not as {labels.Length} int labels.", nameof(labels));
        RequireClasses(targets);
        Count = WholeSamples(labels.Length, targets.LabelsPerSample, "labels", targets);
        RequireInputs(sampleShape, Count, inputs);
        bool maps = targets.Kind == TargetKind.ClassMap;
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if ((uint)label < (uint)targets.Classes || (maps && label == targets.IgnoreLabel)) continue;
            string where = maps ? $"pixel {i % targets.LabelsPerSample} of sample {i / targets.LabelsPerSample}" : $"sample {i}";
            throw new ArgumentOutOfRangeException(nameof(labels), label,
                $"labels[{i}] ({where}) is {label}, outside [0, {targets.Classes})" + (maps ? $" and not the ignore label {targets.IgnoreLabel}." : "."));
        }
        (SampleShape, Targets, _inputs, _labels, _values) = (sampleShape, targets, inputs, labels, []);
    }

    /// <summary>Float targets (<see cref="TargetKind.Values"/>): the spec's shape per sample, back to back, all finite.</summary>
    /// <exception cref="ArgumentException">The spec is for labels, or the lengths are not whole samples.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is NaN or infinite.</exception>
    public ArrayBatchSource(Shape sampleShape, TargetSpec targets, float[] inputs, float[] values)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(values);
        if (targets.Kind != TargetKind.Values)
            throw new ArgumentException($"{targets} are integers: pass them as int[], not as {values.Length} floats.", nameof(values));
        if (targets.ValuesPerSample < 1 || targets.Classes != targets.ValuesPerSample)
            throw new ArgumentException($"Float targets of shape {targets.Shape} need Classes = {targets.ValuesPerSample}, the floats per sample; got {targets.Classes}.", nameof(targets));
        Count = WholeSamples(values.Length, targets.ValuesPerSample, "targets", targets);
        RequireInputs(sampleShape, Count, inputs);
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentOutOfRangeException(nameof(values), values[i],
                    $"values[{i}] (output {i % targets.ValuesPerSample} of sample {i / targets.ValuesPerSample}) is {values[i]}; targets must be finite.");
        (SampleShape, Targets, _inputs, _labels, _values) = (sampleShape, targets, inputs, [], values);
    }

    /// <summary>Class labels or label maps for <paramref name="network"/>: its input shape, classes and ignore label.</summary>
    public static ArrayBatchSource For(INetwork network, float[] inputs, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new ArrayBatchSource(network.Description.Input, network.Description.Targets, inputs, labels);
    }

    /// <summary>Float targets for <paramref name="network"/>: its input shape, and its output's size per sample.</summary>
    public static ArrayBatchSource For(INetwork network, float[] inputs, float[] values)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new ArrayBatchSource(network.Description.Input, network.Description.Targets, inputs, values);
    }

    public int Count { get; }
    public Shape SampleShape { get; }
    public TargetSpec Targets { get; }
    /// <summary>Class labels lie in [0, Classes); for value targets, the floats per sample.</summary>
    public int Classes => Targets.Classes;

    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
    {
        if (Targets.Kind == TargetKind.Values)
            throw new NotSupportedException($"This source has {Targets}; fill them into a Span<float>.");
        Fill(indices, inputs, labels, _labels, Targets.LabelsPerSample, "labels");
    }

    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<float> targets)
    {
        if (Targets.Kind != TargetKind.Values)
            throw new NotSupportedException($"This source has {Targets}; fill them into a Span<int>.");
        Fill(indices, inputs, targets, _values, Targets.ValuesPerSample, "targets");
    }

    /// <summary>Copies each sample's inputs and its <paramref name="perSample"/> targets; the destinations may be longer.</summary>
    private void Fill<TTarget>(ReadOnlySpan<int> indices, Span<float> inputs, Span<TTarget> destination, TTarget[] source, int perSample, string name)
    {
        int size = SampleShape.Size;
        if (inputs.Length < (long)indices.Length * size)
            throw new ArgumentException($"{indices.Length} samples of {SampleShape} need {(long)indices.Length * size} inputs, but inputs holds {inputs.Length}.", nameof(inputs));
        if (destination.Length < (long)indices.Length * perSample)
            throw new ArgumentException($"{indices.Length} samples need {(long)indices.Length * perSample} {name}, but {name} holds {destination.Length}.", name);
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"indices[{i}] is {indices[i]}, outside 0 to {Count - 1} for {Count} samples.");
        for (int i = 0; i < indices.Length; i++)
        {
            _inputs.AsSpan(indices[i] * size, size).CopyTo(inputs.Slice(i * size, size));
            source.AsSpan(indices[i] * perSample, perSample).CopyTo(destination.Slice(i * perSample, perSample));
        }
    }

    private static void RequireClasses(TargetSpec targets)
    {
        if (targets.Classes < 1)
            throw new ArgumentException($"Labels need at least 1 class; the spec has {targets.Classes}.", nameof(targets));
        if (targets.LabelsPerSample < 1)
            throw new ArgumentException($"A sample needs at least 1 label; the spec's shape {targets.Shape} has {targets.LabelsPerSample}.", nameof(targets));
    }

    /// <summary>How many samples <paramref name="length"/> targets make; they must make whole ones.</summary>
    private static int WholeSamples(int length, int perSample, string name, TargetSpec targets)
    {
        if (length % perSample != 0)
            throw new ArgumentException(
                $"{length} {name} are not whole samples of {targets} ({perSample} per sample): {length / perSample} samples would need {length / perSample * perSample}, {length / perSample + 1} would need {(length / perSample + 1) * perSample}.",
                name);
        return length / perSample;
    }

    private static void RequireInputs(Shape sampleShape, int count, float[] inputs)
    {
        if (sampleShape.Size < 1)
            throw new ArgumentException($"Samples must hold at least one value; shape {sampleShape} holds {sampleShape.Size}.", nameof(sampleShape));
        if (inputs.Length != (long)count * sampleShape.Size)
            throw new ArgumentException($"{count} samples of {sampleShape} need {(long)count * sampleShape.Size} inputs, got {inputs.Length}.", nameof(inputs));
    }
}
