using NetDsl.Runtime.Data;
using NetDsl.Runtime.Training;

namespace NetDsl.Runtime.Tests.Training;

public class SegmentationMetricsTests
{
    private const int Ignore = 255;

    [Fact]
    public void Known_maps_give_known_IoU_accuracy_and_mean_over_present_classes()
    {
        // Classes 0..3; class 3 is neither labeled nor predicted, so it is left out of the mean.
        int[] labels =    [0, 0, 0, 1, 1, 2, 2, Ignore];
        int[] predicted = [0, 0, 1, 1, 1, 2, 0, 3];
        var metrics = new SegmentationMetrics(4, Ignore);
        metrics.Add(predicted, labels);

        Assert.Equal(7, metrics.Pixels);                     // the ignored pixel's prediction (3) is not counted
        Assert.Equal(2.0 / 4, metrics.IoU(0), 12);          // labeled 0: {0,1,2}, predicted 0: {0,1,6}
        Assert.Equal(2.0 / 3, metrics.IoU(1), 12);          // labeled 1: {3,4}, predicted 1: {2,3,4}
        Assert.Equal(1.0 / 2, metrics.IoU(2), 12);          // labeled 2: {5,6}, predicted 2: {5}
        Assert.True(double.IsNaN(metrics.IoU(3)));
        Assert.Equal((2.0 / 4 + 2.0 / 3 + 1.0 / 2) / 3, metrics.MeanIoU, 12);
        Assert.Equal(5.0 / 7, metrics.PixelAccuracy, 12);
        Assert.Equal(1, metrics[2, 0]);
        Assert.Equal(1, metrics[0, 1]);
    }

    [Fact]
    public void A_class_only_predicted_counts_with_IoU_zero()
    {
        var metrics = new SegmentationMetrics(3);
        metrics.Add([0, 2], [0, 0]);
        Assert.Equal(0, metrics.IoU(2));
        Assert.Equal((0.5 + 0) / 2, metrics.MeanIoU, 12);
    }

    [Fact]
    public void Logits_are_read_per_pixel_in_NCHW_order_with_ties_to_the_lower_class()
    {
        // Two samples of 3 classes × 2 pixels. Sample 0: pixel 0 → class 2, pixel 1 → tie of 0 and 1 → 0.
        // Sample 1: pixel 0 → class 1, pixel 1 → class 0.
        float[] logits =
        [
            0, 5,   1, 5,   3, -1,
            0, 9,   4, 2,   1, 2,
        ];
        var metrics = new SegmentationMetrics(3, Ignore);
        metrics.AddLogits(logits, [2, 1, 1, Ignore], pixelsPerSample: 2);

        Assert.Equal(3, metrics.Pixels);
        Assert.Equal(1, metrics[2, 2]);
        Assert.Equal(1, metrics[1, 0]);
        Assert.Equal(1, metrics[1, 1]);
        Assert.Equal(2.0 / 3, metrics.PixelAccuracy, 12);
    }

    [Fact]
    public void Nothing_counted_is_NaN_not_zero()
    {
        var metrics = new SegmentationMetrics(2, Ignore);
        metrics.Add([1, 1], [Ignore, Ignore]);
        Assert.Equal(0, metrics.Pixels);
        Assert.True(double.IsNaN(metrics.MeanIoU));
        Assert.True(double.IsNaN(metrics.PixelAccuracy));
    }

    [Fact]
    public void Bad_inputs_are_refused_with_both_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentationMetrics(4, ignoreLabel: 3));
        Assert.Throws<ArgumentException>(() => SegmentationMetrics.For(TargetSpec.Class(10)));
        var metrics = new SegmentationMetrics(3, Ignore);
        var label = Assert.Throws<ArgumentOutOfRangeException>(() => metrics.Add([0], [7]));
        Assert.Contains("7", label.Message);
        Assert.Contains("255", label.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.Add([-1], [0]));
        var lengths = Assert.Throws<ArgumentException>(() => metrics.AddLogits(new float[10], [0, 0, 0, 0], pixelsPerSample: 2));
        Assert.Contains("12", lengths.Message);
        Assert.Contains("10", lengths.Message);
    }

    [Fact]
    public void Measuring_a_network_agrees_with_the_trainers_pixel_accuracy()
    {
        var network = new Networks.PixelHead();
        var parameters = new float[network.Description.ParameterCount];
        network.InitializeParameters<float>(parameters, 5);
        var data = new PixelMaps(37);
        var trainer = new Trainer(network, parameters, new Sgd(0.1), batchSize: 8, workers: 2);
        trainer.TrainEpoch(data);

        var metrics = SegmentationMetrics.Measure(network, parameters, data, batchSize: 16);
        var evaluation = trainer.Evaluate(data);

        Assert.Equal(evaluation.Top1Accuracy, metrics.PixelAccuracy, 12);
        Assert.Equal(data.LabeledPixels, metrics.Pixels);
        Assert.InRange(metrics.MeanIoU, 0, 1);
    }

    [Fact]
    public void Measuring_refuses_data_the_network_does_not_take()
    {
        var network = new Networks.PixelHead();
        var error = Assert.Throws<ArgumentException>(() =>
            SegmentationMetrics.Measure(network, new float[network.Description.ParameterCount], new SyntheticShapes(4)));
        Assert.Contains("(3,32,32)", error.Message.Replace(" ", ""));
    }

    /// <summary>Random (2,6,6) inputs with 3-class label maps, a quarter of the pixels ignored.</summary>
    private sealed class PixelMaps(int count) : IBatchSource
    {
        private const int Pixels = 36;
        private readonly float[] _inputs = Values(count * 2 * Pixels, random => (float)random.NextDouble() * 2 - 1);
        private readonly int[] _labels = Values(count * Pixels, random => random.Next(4) is var l && l == 3 ? Ignore : l);

        public int Count => count;
        public Shape SampleShape => new(2, 6, 6);
        public int Classes => 3;
        public TargetSpec Targets => TargetSpec.ClassMap(3, 6, 6, Ignore);
        public int LabeledPixels => _labels.Count(l => l != Ignore);

        public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
        {
            for (int i = 0; i < indices.Length; i++)
            {
                _inputs.AsSpan(indices[i] * 2 * Pixels, 2 * Pixels).CopyTo(inputs.Slice(i * 2 * Pixels));
                _labels.AsSpan(indices[i] * Pixels, Pixels).CopyTo(labels.Slice(i * Pixels));
            }
        }

        private static T[] Values<T>(int length, Func<Random, T> draw)
        {
            var random = new Random(length);
            return Enumerable.Range(0, length).Select(_ => draw(random)).ToArray();
        }
    }
}
