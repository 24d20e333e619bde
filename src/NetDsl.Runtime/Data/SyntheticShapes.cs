using System.Collections.Immutable;

namespace NetDsl.Runtime.Data;

/// <summary>
/// A semantic segmentation data set that needs no download: colour images of filled circles, squares and triangles
/// (randomly sized, placed, rotated and coloured, never overlapping) on a background with a random colour, gradient
/// and per-pixel noise, each with its per-pixel class map (<see cref="Background"/>,
/// <see cref="Circle"/>, <see cref="Square"/>, <see cref="Triangle"/>). A sample is a pure function of (seed, index),
/// so the set costs no memory, has any size, and a held-out set is the same generator with another seed.
/// </summary>
/// <remarks>
/// Shape and colour are independent, so only a shape's outline tells its class: a network must see whole shapes, not
/// pixels. Pixels of a shape within <see cref="IgnoreBorder"/> pixels of a differently labeled pixel carry
/// <see cref="IgnoreLabel"/>, as PASCAL VOC marks its object boundaries, so the ignore path is exercised.
/// </remarks>
public sealed class SyntheticShapes : IBatchSource
{
    public const int Background = 0, Circle = 1, Square = 2, Triangle = 3;
    /// <summary>Background and the three shape kinds.</summary>
    public const int ClassCount = 4;
    /// <summary>The classes' names, by label.</summary>
    public static ImmutableArray<string> ClassNames { get; } = ["background", "circle", "square", "triangle"];

    /// <summary>PASCAL VOC's (and torchvision's segmentation references') label for unlabeled pixels.</summary>
    public const int DefaultIgnoreLabel = 255;

    // A shape's colour differs from the background's by at least this much in some channel, so it is visible.
    private const double MinContrast = 0.5;
    private const double NoiseSigma = 0.1;
    private const int PlacementAttempts = 20;

    private readonly ulong _seed;

    /// <param name="count">Samples in the set.</param>
    /// <param name="seed">Chooses the set; sample i of one seed never changes.</param>
    /// <param name="size">Height and width of the square images.</param>
    /// <param name="maxShapes">Each image has between 1 and this many shapes (fewer where they would not fit apart).</param>
    /// <param name="ignoreBorder">Width in pixels of the ignored band inside each shape's outline; 0 labels every pixel.</param>
    /// <param name="ignoreLabel">The label of that band; not a class index.</param>
    public SyntheticShapes(int count, ulong seed = 1, int size = 32, int maxShapes = 3, int ignoreBorder = 1,
        int ignoreLabel = DefaultIgnoreLabel)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "A data set cannot have a negative number of samples.");
        if (size < 16) throw new ArgumentOutOfRangeException(nameof(size), size, "Images must be at least 16×16 pixels to hold recognizable shapes.");
        if (maxShapes < 1) throw new ArgumentOutOfRangeException(nameof(maxShapes), maxShapes, "Each image needs room for at least 1 shape.");
        if (ignoreBorder < 0 || ignoreBorder > size / 16)
            throw new ArgumentOutOfRangeException(nameof(ignoreBorder), ignoreBorder,
                $"The ignored border must be 0 to {size / 16} pixels wide for {size}×{size} images, or the smallest shapes would have no labeled pixels.");
        if (ignoreLabel is >= 0 and < ClassCount)
            throw new ArgumentOutOfRangeException(nameof(ignoreLabel), ignoreLabel, $"The ignore label must not be a class index (0 to {ClassCount - 1}).");

        Count = count;
        _seed = seed;
        Size = size;
        MaxShapes = maxShapes;
        IgnoreBorder = ignoreBorder;
        IgnoreLabel = ignoreLabel;
        SampleShape = new Shape(3, size, size);
        Targets = TargetSpec.ClassMap(ClassCount, size, size, ignoreLabel);
    }

    public int Count { get; }
    public int Size { get; }
    public int MaxShapes { get; }
    public int IgnoreBorder { get; }
    public int IgnoreLabel { get; }
    public Shape SampleShape { get; }
    public int Classes => ClassCount;
    public TargetSpec Targets { get; }

    /// <summary>Writes the images (3·size·size floats, roughly in [-1, 1]) and their size·size label maps, back to back.</summary>
    public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
    {
        int pixels = Size * Size;
        if (inputs.Length != indices.Length * 3 * pixels || labels.Length != indices.Length * pixels)
            throw new ArgumentException(
                $"{indices.Length} samples need {indices.Length * 3 * pixels} inputs and {indices.Length * pixels} labels; got {inputs.Length} and {labels.Length}.");
        var classes = new int[pixels];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"The set has {Count} samples.");
            Render(indices[i], inputs.Slice(i * 3 * pixels, 3 * pixels), classes);
            MarkBorders(classes, labels.Slice(i * pixels, pixels));
        }
    }

    private void Render(int index, Span<float> image, Span<int> classes)
    {
        var random = new SplitMix64(SplitMix64.Hash(_seed, 0, (ulong)index));
        int pixels = Size * Size;

        // Background: a random colour with a linear gradient of random direction, changing by up to 0.3 from the centre to an edge.
        Span<double> background = stackalloc double[3], gradient = stackalloc double[3];
        for (int c = 0; c < 3; c++) background[c] = random.NextDouble() * 1.6 - 0.8;
        for (int c = 0; c < 3; c++) gradient[c] = (random.NextDouble() * 2 - 1) * 0.3;
        double angle = random.NextDouble() * 2 * Math.PI, half = Size / 2.0;
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                double along = ((x + 0.5 - half) * Math.Cos(angle) + (y + 0.5 - half) * Math.Sin(angle)) / half;
                for (int c = 0; c < 3; c++) image[c * pixels + y * Size + x] = (float)(background[c] + gradient[c] * along);
            }
        classes.Fill(Background);

        int shapes = 1 + (int)random.NextBelow((uint)MaxShapes);
        Span<double> colour = stackalloc double[3];
        for (int s = 0; s < shapes; s++)
        {
            // A shape that would touch another is redrawn smaller elsewhere (its kind kept, so the kinds stay balanced
            // though triangles need more room) and left out after a few tries: occluded shapes would be ambiguous.
            int kind = Circle + (int)random.NextBelow(3);
            for (int attempt = 0; attempt < PlacementAttempts; attempt++)
            {
                double shrink = 1 - attempt / (double)PlacementAttempts;
                double radius = Size * (0.13 + random.NextDouble() * 0.1 * shrink);   // 4.2 to 7.4 pixels at 32×32
                var outline = new Outline(kind, radius, random.NextDouble() * 2 * Math.PI);
                double cx = outline.Extent + random.NextDouble() * (Size - 2 * outline.Extent);
                double cy = outline.Extent + random.NextDouble() * (Size - 2 * outline.Extent);
                if (!Fits(outline, cx, cy, classes)) continue;
                ContrastingColour(ref random, background, colour);
                Paint(outline, kind, cx, cy, colour, image, classes);
                break;
            }
        }

        for (int j = 0; j < image.Length; j++) image[j] += (float)(NoiseSigma * random.NextGaussian());
    }

    /// <summary>Whether a shape at (cx, cy) keeps at least a background pixel between itself and every shape painted so far.</summary>
    private bool Fits(in Outline outline, double cx, double cy, ReadOnlySpan<int> classes)
    {
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                if (!outline.Contains(x + 0.5 - cx, y + 0.5 - cy)) continue;
                for (int v = Math.Max(0, y - 1); v <= Math.Min(Size - 1, y + 1); v++)
                    for (int u = Math.Max(0, x - 1); u <= Math.Min(Size - 1, x + 1); u++)
                        if (classes[v * Size + u] != Background) return false;
            }
        return true;
    }

    private void Paint(in Outline outline, int kind, double cx, double cy, ReadOnlySpan<double> colour, Span<float> image, Span<int> classes)
    {
        int pixels = Size * Size;
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                if (!outline.Contains(x + 0.5 - cx, y + 0.5 - cy)) continue;
                classes[y * Size + x] = kind;
                for (int c = 0; c < 3; c++) image[c * pixels + y * Size + x] = (float)colour[c];
            }
    }

    private static void ContrastingColour(ref SplitMix64 random, ReadOnlySpan<double> background, Span<double> colour)
    {
        double contrast;
        do
        {
            contrast = 0;
            for (int c = 0; c < 3; c++)
            {
                colour[c] = random.NextDouble() * 2 - 1;
                contrast = Math.Max(contrast, Math.Abs(colour[c] - background[c]));
            }
        } while (contrast < MinContrast);   // each channel falls short with probability ≤ 1/2, so a draw fails with ≤ 1/8
    }

    /// <summary>
    /// A shape around the origin: a circle of the radius, a square of side 1.7·radius and an equilateral triangle in a
    /// circle of 1.5·radius, so all three cover about 3·radius² pixels and only their outlines tell them apart.
    /// </summary>
    private readonly struct Outline
    {
        private readonly int _kind;
        private readonly double _radius, _cos, _sin;

        public Outline(int kind, double radius, double rotation)
        {
            (_kind, _radius, _cos, _sin) = (kind, radius, Math.Cos(rotation), Math.Sin(rotation));
            Extent = radius * kind switch { Circle => 1, Square => 0.85 * Math.Sqrt(2), _ => 1.5 };
        }

        /// <summary>The farthest any point of the shape lies from its centre: centres this far from the edges keep shapes whole.</summary>
        public double Extent { get; }

        public bool Contains(double dx, double dy)
        {
            double u = dx * _cos + dy * _sin, v = -dx * _sin + dy * _cos;   // rotated into the shape's frame
            switch (_kind)
            {
                case Circle:
                    return u * u + v * v <= _radius * _radius;
                case Square:
                    return Math.Abs(u) <= 0.85 * _radius && Math.Abs(v) <= 0.85 * _radius;
                default:
                    // Inside all three edges; their outward normals are 120° apart and the apothem is half the circumradius.
                    double apothem = 0.75 * _radius, s = Math.Sqrt(3) / 2;
                    return u <= apothem && -0.5 * u + s * v <= apothem && -0.5 * u - s * v <= apothem;
            }
        }
    }

    /// <summary>Copies the class map, replacing shape pixels within <see cref="IgnoreBorder"/> of another label by the ignore label.</summary>
    private void MarkBorders(ReadOnlySpan<int> classes, Span<int> labels)
    {
        int b = IgnoreBorder;
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                int own = classes[y * Size + x];
                bool border = false;
                if (own != Background)
                    for (int v = Math.Max(0, y - b); v <= Math.Min(Size - 1, y + b) && !border; v++)
                        for (int u = Math.Max(0, x - b); u <= Math.Min(Size - 1, x + b) && !border; u++)
                            border = classes[v * Size + u] != own;
                labels[y * Size + x] = border ? IgnoreLabel : own;
            }
    }
}
