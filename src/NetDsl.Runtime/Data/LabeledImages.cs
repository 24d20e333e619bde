namespace NetDsl.Runtime.Data;

/// <summary>
/// Single-channel images with one class label each, loaded from an IDX image file (N × H × W ubyte) and an
/// IDX label file (N ubyte). Pixels stay as bytes in memory and are normalized as batches are filled.
/// </summary>
public sealed class LabeledImages : IBatchSource
{
    private readonly ReadOnlyMemory<byte> _pixels;
    private readonly ReadOnlyMemory<byte> _labels;
    private readonly float[] _normalizedByPixel;

    private LabeledImages(ReadOnlyMemory<byte> pixels, ReadOnlyMemory<byte> labels, Shape sampleShape, int classes, float mean, float std)
    {
        _pixels = pixels;
        _labels = labels;
        SampleShape = sampleShape;
        Classes = classes;
        Mean = mean;
        Std = std;
        _normalizedByPixel = new float[256];
        for (int pixel = 0; pixel < 256; pixel++)
            _normalizedByPixel[pixel] = (pixel / 255f - mean) / std;
    }

    /// <summary>Loads and cross-checks an image file and its label file.</summary>
    /// <param name="mean">Subtracted from pixel/255.</param>
    /// <param name="std">Divides pixel/255 − mean.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="IdxFormatException">A file is malformed, has the wrong shape or type, the counts disagree, or a label is not below <paramref name="classes"/>.</exception>
    public static LabeledImages Load(string imagesPath, string labelsPath, int classes = 10, float mean = 0f, float std = 1f)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (!float.IsFinite(mean))
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must be finite.");
        if (!float.IsFinite(std) || std <= 0)
            throw new ArgumentOutOfRangeException(nameof(std), std, "The standard deviation must be positive and finite.");

        var images = IdxFile.Read(imagesPath);
        RequireUInt8(images, imagesPath, rank: 3, "a 3-D ubyte image array (count × height × width)");
        var labels = IdxFile.Read(labelsPath);
        RequireUInt8(labels, labelsPath, rank: 1, "a 1-D ubyte label array (count)");

        int count = images.Dimensions[0], height = images.Dimensions[1], width = images.Dimensions[2];
        if (height == 0 || width == 0)
            throw new IdxFormatException(imagesPath, $"expected images of at least 1 × 1 pixels, found {height} × {width}");
        if (labels.Dimensions[0] != count)
            throw new IdxFormatException(labelsPath, $"expected {count:N0} labels, one per image in {imagesPath}, found {labels.Dimensions[0]:N0}");

        var labelBytes = labels.AsUInt8();
        int outOfRange = classes > byte.MaxValue ? -1 : labelBytes.Span.IndexOfAnyInRange((byte)classes, byte.MaxValue);
        if (outOfRange >= 0)
            throw new IdxFormatException(labelsPath, $"expected labels 0 to {classes - 1} for {classes} classes, found {labelBytes.Span[outOfRange]} at index {outOfRange:N0}");

        return new LabeledImages(images.AsUInt8(), labelBytes, new Shape(1, height, width), classes, mean, std);
    }

    public int Count => _labels.Length;
    public Shape SampleShape { get; }
    public int Classes { get; }
    public float Mean { get; }
    public float Std { get; }

    /// <summary>Every label, in file order.</summary>
    public ReadOnlySpan<byte> Labels => _labels.Span;

    /// <summary>The raw pixels (row-major bytes) of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Pixels(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected an image index from 0 to {Count - 1}.");
        return _pixels.Span.Slice(index * SampleShape.Size, SampleShape.Size);
    }

    /// <summary>Writes (pixel/255 − Mean)/Std of each sample in <paramref name="indices"/> back to back, and its label.</summary>
    /// <remarks>
    /// The destinations may be longer than needed (e.g. a workspace sized for a full batch); only the prefix is written.
    /// Reads shared state only, so several threads may fill batches at once.
    /// </remarks>
    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
    {
        int size = SampleShape.Size;
        long needed = (long)indices.Length * size;
        if (inputs.Length < needed)
            throw new ArgumentException($"{indices.Length:N0} samples of shape {SampleShape} need {needed:N0} floats, but inputs holds {inputs.Length:N0}.", nameof(inputs));
        if (labels.Length < indices.Length)
            throw new ArgumentException($"{indices.Length:N0} samples need {indices.Length:N0} labels, but labels holds {labels.Length:N0}.", nameof(labels));
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"indices[{i}] is {indices[i]}, outside 0 to {Count - 1} for {Count:N0} samples.");

        var pixels = _pixels.Span;
        var sourceLabels = _labels.Span;
        for (int i = 0; i < indices.Length; i++)
        {
            var source = pixels.Slice(indices[i] * size, size);
            var destination = inputs.Slice(i * size, size);
            for (int j = 0; j < size; j++)
                destination[j] = _normalizedByPixel[source[j]];
            labels[i] = sourceLabels[indices[i]];
        }
    }

    private static void RequireUInt8(IdxArray array, string path, int rank, string expected)
    {
        if (array.Rank != rank || array.ElementType != IdxElementType.UInt8)
            throw new IdxFormatException(path, $"expected {expected}, found a {array.Rank}-D {array.ElementType.DisplayName()} array ({array})");
    }
}
