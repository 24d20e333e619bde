using System.Numerics;
using NetDsl.Runtime.Checkpoints;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// The loss heads against PyTorch 1.13 (fixtures/make_loss_fixture.py): for each head, the mean loss as PyTorch reduces
/// it (Σ losses · scale) and its gradient with respect to the network's output, from float32 inputs. Each batch is
/// split between two workers over sample ranges, as the trainer splits it, with the scale of the whole batch.
/// </summary>
public sealed class LossHeadsPyTorchTests
{
    static readonly SafeTensorsFile Fixture = SafeTensorsReader.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "loss_heads_pytorch.safetensors"));

    /// <summary>
    /// The fixture's float64 references are stored as float32 (7 digits). In double the kernels differ from PyTorch's
    /// float64 only by rounding, so 1e-6 of the largest value is that storage; in float, sums of at most 48 terms of
    /// order 1 drift by a few 1e-7 relative, well inside 1e-5. A wrong formula or scale is off by order 1.
    /// </summary>
    public static TheoryData<Type, double> Precisions => new() { { typeof(double), 1e-6 }, { typeof(float), 1e-5 } };

    static (float[] Output, float[] Targets, int[] Shape, float Loss, float[] Grad) Head(string name)
    {
        var output = Fixture[name + ".output"];
        return (output.Data, Fixture[name + ".targets"].Data, output.Shape.ToArray(), Fixture[name + ".loss"].Data[0], Fixture[name + ".grad"].Data);
    }

    /// <summary>Runs each worker's sample range [n0, n1) of an n-sample batch through the head.</summary>
    static void Workers(int n, Action<int, int> range)
    {
        range(0, n / 2);
        range(n / 2, n);
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Pixel_cross_entropy_matches_pytorch(Type precision, double tolerance)
    {
        if (precision == typeof(double)) Run<double>(); else Run<float>();

        void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (output, targets, shape, loss, grad) = Head("pixel");
            int ignore = (int)Fixture["pixel.ignore_index"].Data[0];
            var labels = targets.Select(l => (int)l).ToArray();
            Assert.Contains(ignore, labels);
            int n = shape[0], classes = shape[1], height = shape[2], width = shape[3], per = classes * height * width, pixels = height * width;
            var logits = TestData.Convert<T>(output.Select(v => (double)v).ToArray());
            T scale = T.One / T.CreateTruncating(PixelSoftmaxCrossEntropy.CountLabeled(labels, ignore));
            var (probs, losses, dlogits) = (new T[logits.Length], new T[n], new T[logits.Length]);

            Workers(n, (n0, n1) =>
            {
                int count = n1 - n0;
                var range = new Range(n0 * per, n1 * per);
                var sampleLabels = labels.AsSpan(n0 * pixels, count * pixels);
                PixelSoftmaxCrossEntropy.Forward<T>(probs.AsSpan(range), losses.AsSpan(n0, count), logits.AsSpan(range), sampleLabels, count, classes, height, width, ignore);
                PixelSoftmaxCrossEntropy.Backward<T>(dlogits.AsSpan(range), probs.AsSpan(range), sampleLabels, count, classes, height, width, ignore, scale);
            });

            AssertMatches(loss, grad, losses, scale, dlogits, tolerance);
        }
    }

    static void AssertMatches<T>(float loss, float[] grad, T[] losses, T scale, T[] doutput, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double mean = double.CreateTruncating(losses.Aggregate(T.Zero, (a, b) => a + b) * scale);
        Assert.Equal(loss, mean, tolerance * Math.Max(1, Math.Abs(loss)));
        NumericAssert.CloseToLargest(grad, doutput, tolerance, "gradient", "PyTorch", "NetDsl");
    }
}
