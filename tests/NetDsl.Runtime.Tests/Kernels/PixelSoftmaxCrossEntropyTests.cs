using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class PixelSoftmaxCrossEntropyTests
{
    const int Ignore = 255;

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 3, 2, 3)]
    [InlineData(3, 5, 4, 1)]
    public void Matches_reference_in_float(int n, int classes, int height, int width) => MatchesReference<float>(n, classes, height, width);

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 3, 2, 3)]
    [InlineData(3, 5, 4, 1)]
    public void Matches_reference_in_double(int n, int classes, int height, int width) => MatchesReference<double>(n, classes, height, width);

    [Theory]
    [InlineData(2, 3, 2, 3)]
    [InlineData(1, 4, 3, 3)]
    public void Gradients_match_finite_differences(int n, int classes, int height, int width)
    {
        var logits = TestData.Uniform<double>(1, n * classes * height * width, -3, 3);
        var labels = Labels(n, classes, height * width);
        Assert.Contains(Ignore, labels);   // the ignored pixels' zero gradient is checked too
        var probs = new double[logits.Length];
        var losses = new double[n];
        // Output: the summed loss; backward's scale is exactly dL/d(sum).
        new GradientChecker().Check(1,
            y =>
            {
                PixelSoftmaxCrossEntropy.Forward<double>(probs, losses, logits, labels, n, classes, height, width, Ignore);
                y[0] = losses.Sum();
            },
            (dy, grads) => PixelSoftmaxCrossEntropy.Backward<double>(grads[0], probs, labels, n, classes, height, width, Ignore, dy[0]),
            ("logits", logits));
    }

    [Fact]
    public void Ignored_pixels_add_no_loss_and_get_no_gradient()
    {
        const int n = 2, classes = 3, height = 2, width = 2, pixels = height * width;
        var logits = TestData.Uniform<double>(2, n * classes * pixels, -3, 3);
        int[] labels = [0, Ignore, 2, 1, Ignore, Ignore, 1, 0];
        var (probs, losses) = (new double[logits.Length], new double[n]);
        PixelSoftmaxCrossEntropy.Forward<double>(probs, losses, logits, labels, n, classes, height, width, Ignore);

        // Moving an ignored pixel's logits changes nothing; its gradient is zero in every class.
        var moved = (double[])logits.Clone();
        for (int c = 0; c < classes; c++) moved[c * pixels + 1] += 10 * (c + 1);
        var movedLosses = new double[n];
        PixelSoftmaxCrossEntropy.Forward<double>(new double[logits.Length], movedLosses, moved, labels, n, classes, height, width, Ignore);
        Assert.Equal(losses, movedLosses);

        var dlogits = new double[logits.Length];
        PixelSoftmaxCrossEntropy.Backward<double>(dlogits, probs, labels, n, classes, height, width, Ignore, 0.5);
        for (int s = 0; s < n; s++)
            for (int p = 0; p < pixels; p++)
                for (int c = 0; c < classes; c++)
                    Assert.Equal(labels[s * pixels + p] == Ignore, dlogits[(s * classes + c) * pixels + p] == 0);
    }

    [Fact]
    public void An_ignore_label_inside_the_classes_is_ignored()
    {
        var logits = TestData.Uniform<double>(3, 2 * 2, -3, 3);   // one sample, two classes, 1×2 pixels
        var losses = new double[1];
        PixelSoftmaxCrossEntropy.Forward<double>(new double[4], losses, logits, [0, 1], 1, 2, 1, 2, ignoreLabel: 0);
        var (_, expected) = Reference(logits, [Ignore, 1], 1, 2, 2);
        NumericAssert.Close(expected, losses);
        Assert.Equal(1, PixelSoftmaxCrossEntropy.CountLabeled([0, 1], ignoreLabel: 0));
    }

    [Fact]
    public void Workers_over_sample_ranges_reproduce_the_whole_batch_with_the_batch_count()
    {
        const int n = 3, classes = 4, height = 3, width = 2, per = classes * height * width, pixels = height * width;
        var logits = TestData.Uniform<double>(4, n * per, -3, 3);
        var labels = Labels(n, classes, pixels);
        double scale = 1.0 / PixelSoftmaxCrossEntropy.CountLabeled(labels, Ignore);
        var (probs, losses, dlogits) = (new double[n * per], new double[n], new double[n * per]);
        PixelSoftmaxCrossEntropy.Forward<double>(probs, losses, logits, labels, n, classes, height, width, Ignore);
        PixelSoftmaxCrossEntropy.Backward<double>(dlogits, probs, labels, n, classes, height, width, Ignore, scale);

        var (workerLosses, workerDlogits) = (new double[n], new double[n * per]);
        foreach (var (n0, n1) in new[] { (0, 1), (1, 3) })
        {
            int count = n1 - n0;
            var range = new Range(n0 * per, n1 * per);
            var workerProbs = new double[count * per];
            var workerLabels = labels.AsSpan(n0 * pixels, count * pixels);
            PixelSoftmaxCrossEntropy.Forward<double>(workerProbs, workerLosses.AsSpan(n0, count), logits.AsSpan(range), workerLabels, count, classes, height, width, Ignore);
            PixelSoftmaxCrossEntropy.Backward<double>(workerDlogits.AsSpan(range), workerProbs, workerLabels, count, classes, height, width, Ignore, scale);
        }

        Assert.Equal(losses, workerLosses);
        Assert.Equal(dlogits, workerDlogits);
    }

    [Fact]
    public void A_label_out_of_range_names_the_sample_pixel_and_label_and_leaves_outputs_alone()
    {
        // Two samples of two classes on 2×3 pixels; sample 1's pixel (row 1, column 2) holds 7.
        int[] labels = [0, 1, Ignore, 1, 0, 0, /* sample 1 */ 1, 1, 0, Ignore, 0, 7];
        var probs = Enumerable.Repeat(-1f, 24).ToArray();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            PixelSoftmaxCrossEntropy.Forward<float>(probs, new float[2], new float[24], labels, 2, 2, 2, 3, Ignore));
        Assert.Contains("Sample 1 has label 7 at pixel (row 1, column 2)", error.Message);
        Assert.Contains($"not the ignore label {Ignore}", error.Message);
        Assert.All(probs, p => Assert.Equal(-1f, p));

        labels[11] = -1;
        error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            PixelSoftmaxCrossEntropy.Backward<float>(new float[24], probs, labels, 2, 2, 2, 3, Ignore, 1f));
        Assert.Contains("label -1", error.Message);
    }

    [Fact]
    public void Backward_may_write_over_probs_and_forward_over_logits()
    {
        const int n = 2, classes = 3, height = 2, width = 2;
        var logits = TestData.Uniform<float>(5, n * classes * height * width, -3, 3);
        var labels = Labels(n, classes, height * width);
        var (probs, losses) = (new float[logits.Length], new float[n]);
        PixelSoftmaxCrossEntropy.Forward<float>(probs, losses, logits, labels, n, classes, height, width, Ignore);
        var separate = new float[probs.Length];
        PixelSoftmaxCrossEntropy.Backward<float>(separate, probs, labels, n, classes, height, width, Ignore, 0.5f);

        var inPlace = (float[])logits.Clone();
        var inPlaceLosses = new float[n];
        PixelSoftmaxCrossEntropy.Forward<float>(inPlace, inPlaceLosses, inPlace, labels, n, classes, height, width, Ignore);
        Assert.Equal(probs, inPlace);
        Assert.Equal(losses, inPlaceLosses);
        PixelSoftmaxCrossEntropy.Backward<float>(inPlace, inPlace, labels, n, classes, height, width, Ignore, 0.5f);
        Assert.Equal(separate, inPlace);
    }

    [Fact]
    public void An_empty_batch_does_nothing()
    {
        PixelSoftmaxCrossEntropy.Forward<float>([], [], [], [], 0, 3, 2, 2, Ignore);
        PixelSoftmaxCrossEntropy.Backward<float>([], [], [], 0, 3, 2, 2, Ignore, 1f);
        Assert.Equal(0, PixelSoftmaxCrossEntropy.CountLabeled([], Ignore));
    }

    static void MatchesReference<T>(int n, int classes, int height, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int pixels = height * width;
        var logits = TestData.Uniform<T>(1, n * classes * pixels, -5, 5);
        var labels = Labels(n, classes, pixels);
        var probs = new T[logits.Length];
        var losses = new T[n];
        var dlogits = new T[logits.Length];
        T scale = T.CreateTruncating(0.25);

        PixelSoftmaxCrossEntropy.Forward<T>(probs, losses, logits, labels, n, classes, height, width, Ignore);
        PixelSoftmaxCrossEntropy.Backward<T>(dlogits, probs, labels, n, classes, height, width, Ignore, scale);

        var (probsRef, lossesRef) = Reference(logits.Select(double.CreateTruncating).ToArray(), labels, n, classes, pixels);
        NumericAssert.Close(TestData.Convert<T>(probsRef), probs, what: "probs");
        NumericAssert.Close(TestData.Convert<T>(lossesRef), losses, what: "losses");
        var expected = probsRef.Select((p, i) =>
        {
            int label = labels[i / (classes * pixels) * pixels + i % pixels];
            return label == Ignore ? 0 : (p - (label == i / pixels % classes ? 1 : 0)) * 0.25;
        }).ToArray();
        NumericAssert.Close(TestData.Convert<T>(expected), dlogits, what: "dlogits");
        Assert.Equal(labels.Count(l => l != Ignore), PixelSoftmaxCrossEntropy.CountLabeled(labels, Ignore));
    }

    /// <summary>Softmax at each pixel and −log p[label] summed over labeled pixels, by their definitions in double.</summary>
    static (double[] Probs, double[] Losses) Reference(double[] logits, int[] labels, int n, int classes, int pixels)
    {
        var probs = new double[logits.Length];
        var losses = new double[n];
        for (int s = 0; s < n; s++)
            for (int p = 0; p < pixels; p++)
            {
                var z = Enumerable.Range(0, classes).Select(c => logits[(s * classes + c) * pixels + p]).ToArray();
                double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
                for (int c = 0; c < classes; c++) probs[(s * classes + c) * pixels + p] = Math.Exp(z[c] - max) / sum;
                int label = labels[s * pixels + p];
                if (label != Ignore) losses[s] -= Math.Log(probs[(s * classes + label) * pixels + p]);
            }
        return (probs, losses);
    }

    /// <summary>Every class and, at about one pixel in classes + 1, the ignore label.</summary>
    internal static int[] Labels(int n, int classes, int pixels) =>
        Enumerable.Range(0, n * pixels).Select(i => (i * 7 + 3) % (classes + 1)).Select(l => l == classes ? Ignore : l).ToArray();
}
