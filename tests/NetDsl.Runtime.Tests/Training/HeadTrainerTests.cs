using Xunit.Abstractions;
using NetDsl.Runtime.Data;
using NetDsl.Runtime.Tests.Networks;
using NetDsl.Runtime.Training;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>
/// The CPU trainer on networks with each head: each learns a rule planted in its data, evaluation reports what the head
/// defines (pixel accuracy over labeled pixels for label maps, no accuracy for value targets), and data whose targets
/// do not fit the network is turned away before any batch is filled.
/// </summary>
public class HeadTrainerTests(ITestOutputHelper output)
{
    private static Trainer MakeTrainer(ICpuNetwork net, IOptimizer optimizer, int batchSize = 16, ulong seed = 3)
    {
        var parameters = new float[net.Description.ParameterCount];
        net.InitializeParameters<float>(parameters, 5);
        return new Trainer(net, parameters, optimizer, batchSize, seed, workers: 2);
    }

    private (EvaluationResult Before, EvaluationResult After) Train(Trainer trainer, IBatchSource train, IBatchSource test, int epochs)
    {
        var before = trainer.Evaluate(test);
        for (int epoch = 0; epoch < epochs; epoch++) trainer.TrainEpoch(train);
        var after = trainer.Evaluate(test);
        output.WriteLine($"{trainer.Network.Description.Name}, {epochs} epochs: test loss {before.MeanLoss:G4} -> {after.MeanLoss:G4} "
            + $"({before.MeanLoss / after.MeanLoss:G3}x), accuracy {before.Top1Accuracy:G4} -> {after.Top1Accuracy:G4}");
        return (before, after);
    }

    /// <summary>Value targets have no classes: no accuracy, and a finite loss.</summary>
    private static void AssertValueEvaluation(EvaluationResult result)
    {
        Assert.True(double.IsNaN(result.Top1Accuracy) && double.IsNaN(result.Top5Accuracy), $"accuracy {result.Top1Accuracy}, top-5 {result.Top5Accuracy}");
        Assert.True(double.IsFinite(result.MeanLoss), $"loss {result.MeanLoss}");
    }

    // ---- (a) mean squared error ------------------------------------------------------------------------------------

    /// <summary>Two smooth functions of a 5×5 image: twice its mean, and the centre less half a corner.</summary>
    private static (ArrayBatchSource Data, float[] Targets) Smooth(int count, int seed)
    {
        var inputs = HeadData.Uniform(new Random(seed), count * 25);
        var targets = new float[count * 2];
        for (int n = 0; n < count; n++)
        {
            var x = inputs.AsSpan(n * 25, 25);
            float mean = 0;
            foreach (float v in x) mean += v / 25;
            (targets[2 * n], targets[2 * n + 1]) = (2 * mean, x[12] - 0.5f * x[0]);
        }
        return (ArrayBatchSource.For(new SquaredErrorHead(), inputs, targets), targets);
    }

    [Fact]
    public void Mean_squared_error_learns_a_smooth_target()
    {
        var (train, _) = Smooth(256, seed: 1);
        var (test, targets) = Smooth(128, seed: 2);
        var (before, after) = Train(MakeTrainer(new SquaredErrorHead(), new Adam(0.01)), train, test, epochs: 30);

        AssertValueEvaluation(after);
        // The best constant's loss is the targets' variance; the network must explain at least 98% of it.
        double variance = HeadData.Variance(targets, 2);
        output.WriteLine($"variance of the targets {variance:G4}, {variance / after.MeanLoss:G3}x the loss");
        Assert.True(after.MeanLoss < before.MeanLoss / 50, $"loss {before.MeanLoss} -> {after.MeanLoss}");
        Assert.True(after.MeanLoss < variance / 50, $"loss {after.MeanLoss}, variance of the targets {variance}");
    }

    // ---- (b) L1 --------------------------------------------------------------------------------------------------

    /// <summary>A (1,3,3) map that a fixed 3×3 convolution with bias makes of a (2,5,5) input: AbsoluteErrorHead's own form.</summary>
    private static ArrayBatchSource Convolved(int count, int seed)
    {
        var inputs = HeadData.Uniform(new Random(seed), count * 50);
        var targets = new float[count * 9];
        for (int n = 0; n < count; n++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    float sum = 0.1f;
                    for (int c = 0; c < 2; c++)
                        for (int di = 0; di < 3; di++)
                            for (int dj = 0; dj < 3; dj++)
                                sum += ((c * 9 + di * 3 + dj) % 5 - 2) * 0.25f * inputs[n * 50 + c * 25 + (i + di) * 5 + j + dj];
                    targets[n * 9 + i * 3 + j] = sum;
                }
        return ArrayBatchSource.For(new AbsoluteErrorHead(), inputs, targets);
    }

    [Fact]
    public void L1_learns_a_planted_convolution()
    {
        var (before, after) = Train(MakeTrainer(new AbsoluteErrorHead(), new Adam(0.01)), Convolved(256, seed: 3), Convolved(128, seed: 4), epochs: 20);

        AssertValueEvaluation(after);
        Assert.True(after.MeanLoss < before.MeanLoss / 30, $"mean absolute error {before.MeanLoss} -> {after.MeanLoss}");
    }

    // ---- (c) binary cross-entropy with logits ------------------------------------------------------------------------

    /// <summary>
    /// Faint noise on a 6×6 image; label k says whether quadrant k (3×3) holds a bright 2×2 square, each present with
    /// probability one half.
    /// </summary>
    private static (ArrayBatchSource Data, float[] Inputs, float[] Labels) Squares(int count, int seed)
    {
        var random = new Random(seed);
        var inputs = HeadData.Uniform(random, count * 36).Select(v => 0.3f * v).ToArray();
        var labels = new float[count * 4];
        for (int n = 0; n < count; n++)
            for (int k = 0; k < 4; k++)
            {
                if (random.Next(2) == 0) continue;
                labels[n * 4 + k] = 1;
                int top = k / 2 * 3 + random.Next(2), left = k % 2 * 3 + random.Next(2);
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 2; j++) inputs[n * 36 + (top + i) * 6 + left + j] += 1;
            }
        return (ArrayBatchSource.For(new MultiLabelHead(), inputs, labels), inputs, labels);
    }

    [Fact]
    public void Binary_cross_entropy_learns_which_quadrants_hold_a_square()
    {
        var trainer = MakeTrainer(new MultiLabelHead(), new Adam(0.02));
        var (test, inputs, labels) = Squares(200, seed: 6);
        var (before, after) = Train(trainer, Squares(400, seed: 5).Data, test, epochs: 30);

        AssertValueEvaluation(after);
        Assert.True(after.MeanLoss < before.MeanLoss / 20, $"loss {before.MeanLoss} -> {after.MeanLoss}");
        // A label is predicted present where its logit is positive.
        var logits = new float[labels.Length];
        trainer.Predict(inputs, logits);
        double correct = logits.Zip(labels).Count(p => p.First > 0 == p.Second > 0.5f) / (double)labels.Length;
        output.WriteLine($"{correct:P1} of the test labels right");
        Assert.True(correct > 0.97, $"{correct:P1} of the labels right");
    }

    // ---- (d) per-pixel softmax cross-entropy ----------------------------------------------------------------------

    /// <summary>
    /// (2,6,6) images constant on each 2×2 block at values (a, b) plus noise; a block's pixels are class argmax(a, b, 0)
    /// (0 where a leads and is positive, 1 where b does, 2 where neither is positive), about 15% of them unlabeled (255).
    /// </summary>
    private static (ArrayBatchSource Data, float[] Inputs, int[] Labels) Blocks(int count, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[count * 72];
        var labels = new int[count * 36];
        for (int n = 0; n < count; n++)
            for (int block = 0; block < 9; block++)
            {
                float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
                int label = a > b ? (a > 0 ? 0 : 2) : (b > 0 ? 1 : 2);
                for (int p = 0; p < 4; p++)
                {
                    int pixel = (block / 3 * 2 + p / 2) * 6 + block % 3 * 2 + p % 2;
                    inputs[n * 72 + pixel] = a + 0.05f * (float)(random.NextDouble() - 0.5);
                    inputs[n * 72 + 36 + pixel] = b + 0.05f * (float)(random.NextDouble() - 0.5);
                    labels[n * 36 + pixel] = random.NextDouble() < 0.15 ? 255 : label;
                }
            }
        return (ArrayBatchSource.For(new PixelHead(), inputs, labels), inputs, labels);
    }

    [Fact]
    public void Pixel_evaluation_reports_accuracy_and_loss_over_labeled_pixels_only()
    {
        var net = new PixelHead();
        var trainer = MakeTrainer(net, new Adam(0.02));
        var (test, inputs, labels) = Blocks(100, seed: 8);
        var (before, after) = Train(trainer, Blocks(300, seed: 7).Data, test, epochs: 30);
        Assert.True(after.MeanLoss < before.MeanLoss / 8 && after.Top1Accuracy > 0.95,
            $"loss {before.MeanLoss} -> {after.MeanLoss}, pixel accuracy {before.Top1Accuracy:P1} -> {after.Top1Accuracy:P1}");

        // The same numbers from the network's outputs, over the labeled pixels. Evaluating in the training batch size
        // runs the same workspace splits as Predict, so the outputs are bit for bit the same.
        var evaluation = trainer.Evaluate(test, batchSize: trainer.BatchSize);
        var logits = new float[test.Count * 108];
        trainer.Predict(inputs, logits);
        int labeled = 0, right = 0;
        double loss = 0;
        for (int n = 0; n < test.Count; n++)
            for (int p = 0; p < 36; p++)
            {
                int label = labels[n * 36 + p];
                if (label == 255) continue;
                var z = Enumerable.Range(0, 3).Select(c => (double)logits[n * 108 + c * 36 + p]).ToArray();
                double top = z.Max();
                loss += Math.Log(z.Sum(v => Math.Exp(v - top))) + top - z[label];
                labeled++;
                if (Array.IndexOf(z, top) == label) right++;
            }
        Assert.InRange(labeled, 0.8 * labels.Length, 0.9 * labels.Length);   // the check below tells skipping from counting
        Assert.Equal((double)right / labeled, evaluation.Top1Accuracy);
        Assert.NotEqual((double)right / labels.Length, evaluation.Top1Accuracy);
        Assert.Equal(1.0, evaluation.Top5Accuracy);   // 3 classes: always in the top five
        Assert.Equal(loss / labeled, evaluation.MeanLoss, 1e-5 * evaluation.MeanLoss);
        Assert.Equal(test.Count, evaluation.Samples);

        // A sample with no labeled pixel counts as a sample and changes neither number.
        var unlabeled = ArrayBatchSource.For(net, inputs.Concat(HeadData.Uniform(new Random(9), 72)).ToArray(), labels.Concat(Enumerable.Repeat(255, 36)).ToArray());
        var withUnlabeled = trainer.Evaluate(unlabeled, batchSize: trainer.BatchSize);
        Assert.Equal((evaluation.Top1Accuracy, evaluation.MeanLoss, test.Count + 1L), (withUnlabeled.Top1Accuracy, withUnlabeled.MeanLoss, withUnlabeled.Samples));
    }

    // ---- (e) targets that do not fit ---------------------------------------------------------------------------------

    public static TheoryData<string> Mismatches => new() { "class labels for regression", "smaller label maps", "another ignore label", "class labels for label maps", "fewer values", "values for a classifier" };

    private static (ICpuNetwork Network, IBatchSource Data) Mismatch(string name)
    {
        float[] Inputs(ICpuNetwork net) => new float[4 * net.Description.Input.Size];
        var regression = new SquaredErrorHead();
        var pixel = new PixelHead();
        var multiLabel = new MultiLabelHead();
        var classifier = new AuxiliaryHeads();
        return name switch
        {
            "class labels for regression" => (regression, new ArrayBatchSource(regression.Description.Input, 2, Inputs(regression), [0, 1, 1, 0])),
            "smaller label maps" => (pixel, new ArrayBatchSource(pixel.Description.Input, TargetSpec.ClassMap(3, 3, 3, 255), Inputs(pixel), new int[4 * 9])),
            "another ignore label" => (pixel, new ArrayBatchSource(pixel.Description.Input, TargetSpec.ClassMap(3, 6, 6), Inputs(pixel), new int[4 * 36])),
            "class labels for label maps" => (pixel, new ArrayBatchSource(pixel.Description.Input, 3, Inputs(pixel), [0, 1, 2, 0])),
            "fewer values" => (multiLabel, new ArrayBatchSource(multiLabel.Description.Input, TargetSpec.Values(new Shape(3, 1, 1)), Inputs(multiLabel), new float[4 * 3])),
            "values for a classifier" => (classifier, new ArrayBatchSource(classifier.Description.Input, TargetSpec.Values(new Shape(5, 1, 1)), Inputs(classifier), new float[4 * 5])),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void Targets_that_do_not_fit_the_network_are_rejected_before_any_work(string mismatch)
    {
        var (net, inner) = Mismatch(mismatch);
        var data = new CountingSource(inner);
        var trainer = MakeTrainer(net, new Sgd(0.1));
        var initial = (float[])trainer.Parameters.Clone();
        Assert.False(net.Description.Targets.Accepts(data.Targets));

        foreach (var attempt in new Action[] { () => trainer.TrainEpoch(data), () => trainer.Evaluate(data) })
        {
            var message = Assert.Throws<ArgumentException>(attempt).Message;
            Assert.Contains(data.Targets.ToString(), message);
            Assert.Contains(net.Description.Targets.ToString(), message);
        }
        Assert.Equal(0, data.Fills);
        Assert.Equal((0, 0L), (trainer.Epoch, trainer.Step));
        Assert.Equal(initial, trainer.Parameters);
    }

    /// <summary>Forwards to a source and counts its fills of either kind.</summary>
    private sealed class CountingSource(IBatchSource inner) : IBatchSource
    {
        public int Fills { get; private set; }
        public int Count => inner.Count;
        public Shape SampleShape => inner.SampleShape;
        public int Classes => inner.Classes;
        public TargetSpec Targets => inner.Targets;

        public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
        {
            Fills++;
            inner.Fill(indices, inputs, labels);
        }

        public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<float> targets)
        {
            Fills++;
            inner.Fill(indices, inputs, targets);
        }
    }
}
