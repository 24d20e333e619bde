namespace NetDsl.Runtime.Data;

/// <summary>
/// Wraps a training set so that every sample is randomly cropped and mirrored as it is filled, like torchvision's
/// <c>RandomCrop(size, padding)</c> followed by <c>RandomHorizontalFlip(p)</c>: the image is padded by
/// <see cref="Padding"/> on each side, an H × W window is cut at a uniformly random offset, and the window is mirrored
/// left to right with probability <see cref="FlipProbability"/>. Labels pass through unchanged.
/// </summary>
/// <remarks>
/// <para>
/// <b>Pad values.</b> The inner source delivers normalized samples, so padding with 0 would pad with the mean intensity.
/// torchvision pads the raw image with black before <c>ToTensor</c>/<c>Normalize</c>; to match, the pad value of each
/// channel must be what a black pixel normalizes to, −mean/std (<see cref="Augmentation.NormalizedBlack"/>).
/// <see cref="Augmentation.CropAndFlip(LabeledImages, int, double, ulong)"/> derives it from the source.
/// </para>
/// <para>
/// <b>Determinism.</b> A sample's crop and flip (<see cref="AugmentationFor"/>) are a function of
/// (<see cref="Seed"/>, <see cref="Epoch"/>, sample index) only: not of the batch it lands in, its position there, how
/// many fills came before, or threads (so an index drawn twice in one epoch gets the same crop twice). Set
/// <see cref="Epoch"/> to the trainer's epoch before each epoch, so every epoch sees fresh augmentations and a run
/// resumed from a checkpoint (which restores <c>Trainer.Epoch</c>, even mid-epoch) sees exactly the ones it would have
/// seen:
/// <code>
/// var train = Augmentation.CropAndFlip(data.Train, padding: 2, flipProbability: 0.5, seed);
/// while (trainer.Epoch &lt; epochs)
/// {
///     train.Epoch = trainer.Epoch;
///     trainer.TrainEpoch(train);
/// }
/// </code>
/// Evaluate on the un-augmented data (<see cref="Inner"/> for the training set).
/// </para>
/// <para>
/// <b>Cost.</b> Each sample is transformed in place in the destination after the inner source fills it: no buffers and
/// no allocation per fill. Nothing but <see cref="Epoch"/> changes, so concurrent fills within an epoch are as safe as
/// the inner source's.
/// </para>
/// </remarks>
public sealed class AugmentedBatchSource : IBatchSource
{
    /// <summary>Separates this random stream from the trainer's (shuffles, dropout) when both use the same seed.</summary>
    private const ulong AugmentationStream = 0x6175676D656E74;   // "augment" in ASCII

    private readonly float[] _padValues;
    private int _epoch;

    /// <param name="inner">The normalized samples to augment.</param>
    /// <param name="padding">Pixels of padding on each side; the crop offset is uniform in [0, 2 × padding]².</param>
    /// <param name="flipProbability">Chance that a sample is mirrored left to right, 0 to 1.</param>
    /// <param name="padValues">The value padding takes in each channel, one per channel of <paramref name="inner"/>.</param>
    /// <param name="seed">Seeds the choices; combined with <see cref="Epoch"/> and the sample index.</param>
    public AugmentedBatchSource(IBatchSource inner, int padding, double flipProbability, ReadOnlySpan<float> padValues, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (!(flipProbability is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(flipProbability), flipProbability, "The flip probability must be from 0 to 1.");
        int channels = inner.SampleShape.Channels;
        if (padValues.Length != channels)
            throw new ArgumentException(
                $"Samples of shape {inner.SampleShape} need {channels} pad value(s), one per channel; got {padValues.Length}.", nameof(padValues));
        foreach (float value in padValues)
            if (!float.IsFinite(value))
                throw new ArgumentOutOfRangeException(nameof(padValues), value, "Pad values must be finite.");

        Inner = inner;
        Padding = padding;
        FlipProbability = flipProbability;
        Seed = seed;
        _padValues = padValues.ToArray();
    }

    public IBatchSource Inner { get; }
    public int Padding { get; }
    public double FlipProbability { get; }
    public ulong Seed { get; }
    /// <summary>What padding fills each channel with.</summary>
    public ReadOnlySpan<float> PadValues => _padValues;

    /// <summary>
    /// Selects this epoch's augmentations; set it to <c>Trainer.Epoch</c> before each <c>TrainEpoch</c>. Not while a
    /// fill is running: each fill reads it once.
    /// </summary>
    public int Epoch
    {
        get => _epoch;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _epoch = value;
        }
    }

    public int Count => Inner.Count;
    public Shape SampleShape => Inner.SampleShape;
    public int Classes => Inner.Classes;

    /// <summary>The crop and flip sample <paramref name="index"/> gets in the current <see cref="Epoch"/>.</summary>
    public SampleAugmentation AugmentationFor(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected a sample index from 0 to {Count - 1}.");
        return Choose(_epoch, index);
    }

    /// <summary>Fills like the inner source (which checks the arguments), then crops and flips each sample in place.</summary>
    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
    {
        Inner.Fill(indices, inputs, labels);
        var shape = SampleShape;
        int size = shape.Size, epoch = _epoch;
        for (int i = 0; i < indices.Length; i++)
            Choose(epoch, indices[i]).ApplyTo(inputs.Slice(i * size, size), shape, Padding, _padValues);
    }

    private SampleAugmentation Choose(int epoch, int index)
    {
        // Epoch and index each fit in 32 bits, so packing them is one counter that never repeats.
        ulong counter = (ulong)(uint)epoch << 32 | (uint)index;
        var random = new SplitMix64(SplitMix64.Hash(Seed, AugmentationStream, counter));
        uint offsets = (uint)(2L * Padding + 1);
        int top = (int)random.NextBelow(offsets);
        int left = (int)random.NextBelow(offsets);
        bool flip = random.NextDouble() < FlipProbability;
        return new SampleAugmentation(top, left, flip);
    }
}
