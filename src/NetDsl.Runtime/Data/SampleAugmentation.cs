namespace NetDsl.Runtime.Data;

/// <summary>
/// The random choices for one sample: where the crop window sits in the padded image and whether the crop is then
/// mirrored, as torchvision's <c>RandomCrop</c> followed by <c>RandomHorizontalFlip</c>.
/// </summary>
/// <param name="Top">Row of the window's top-left corner in the padded image, 0 to 2 × padding.</param>
/// <param name="Left">Column of the window's top-left corner in the padded image, 0 to 2 × padding.</param>
/// <param name="Flip">Whether the cropped image is mirrored left to right.</param>
public readonly record struct SampleAugmentation(int Top, int Left, bool Flip)
{
    /// <summary>
    /// Crops and flips one (C,H,W) sample in place. Cropping an H × W window from the image padded by
    /// <paramref name="padding"/> is the same as shifting the image by (Top − padding, Left − padding) and filling what
    /// comes in from outside with the channel's pad value, so no padded copy is ever made.
    /// </summary>
    internal void ApplyTo(Span<float> sample, Shape shape, int padding, ReadOnlySpan<float> padValues)
    {
        int height = shape.Height, width = shape.Width, planeSize = height * width;
        int down = Top - padding, right = Left - padding;
        for (int channel = 0; channel < shape.Channels; channel++)
        {
            var plane = sample.Slice(channel * planeSize, planeSize);
            float fill = padValues[channel];
            // Whole rows move together, so the vertical shift is one shift of the flat plane.
            Shift(plane, (long)down * width, fill);
            for (int row = 0; row < height; row++)
            {
                var pixels = plane.Slice(row * width, width);
                Shift(pixels, right, fill);
                if (Flip) pixels.Reverse();
            }
        }
    }

    /// <summary>values[i] ← values[i + offset] where that is inside, else <paramref name="fill"/>.</summary>
    private static void Shift(Span<float> values, long offset, float fill)
    {
        if (offset == 0) return;
        if (Math.Abs(offset) >= values.Length)
        {
            values.Fill(fill);
            return;
        }
        int distance = (int)Math.Abs(offset), kept = values.Length - distance;
        // Span.CopyTo handles overlapping ranges like memmove, in either direction.
        if (offset > 0)
        {
            values[distance..].CopyTo(values);
            values[kept..].Fill(fill);
        }
        else
        {
            values[..kept].CopyTo(values[distance..]);
            values[..distance].Fill(fill);
        }
    }
}
