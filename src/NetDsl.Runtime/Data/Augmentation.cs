namespace NetDsl.Runtime.Data;

/// <summary>Shortcuts for wrapping a training set in <see cref="AugmentedBatchSource"/>.</summary>
public static class Augmentation
{
    /// <summary>
    /// Random crop with black padding and random horizontal flip over <paramref name="source"/>; the pad value is what a
    /// black pixel normalizes to with the source's <see cref="LabeledImages.Mean"/> and <see cref="LabeledImages.Std"/>.
    /// </summary>
    /// <param name="source">The training set to augment.</param>
    /// <param name="padding">Pixels of padding on each side; the crop offset is uniform in [0, 2 × padding]².</param>
    /// <param name="flipProbability">Chance that a sample is mirrored left to right, 0 to 1.</param>
    /// <param name="seed">Seeds the choices, together with <see cref="AugmentedBatchSource.Epoch"/> and the sample index.</param>
    public static AugmentedBatchSource CropAndFlip(LabeledImages source, int padding = 2, double flipProbability = 0.5, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        return CropAndFlip(source, NormalizedBlack(source.Mean, source.Std), padding, flipProbability, seed);
    }

    /// <summary>
    /// Random crop and random horizontal flip over any <paramref name="source"/>, padding every channel with
    /// <paramref name="padValue"/>: for normalized samples, <see cref="NormalizedBlack"/> of the normalization used. For a
    /// different value per channel, use the <see cref="AugmentedBatchSource"/> constructor.
    /// </summary>
    /// <inheritdoc cref="CropAndFlip(LabeledImages, int, double, ulong)"/>
    public static AugmentedBatchSource CropAndFlip(IBatchSource source, float padValue, int padding = 2, double flipProbability = 0.5, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        var padValues = new float[source.SampleShape.Channels];
        padValues.AsSpan().Fill(padValue);
        return new AugmentedBatchSource(source, padding, flipProbability, padValues, seed);
    }

    /// <summary>What a black pixel becomes under (pixel/255 − mean)/std: the pad value torchvision effectively uses.</summary>
    public static float NormalizedBlack(float mean, float std) => (0f - mean) / std;
}
