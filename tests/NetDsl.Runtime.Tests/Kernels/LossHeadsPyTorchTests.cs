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
    static readonly (Type Precision, double Tolerance)[] Tolerances = [(typeof(double), 1e-6), (typeof(float), 1e-5)];

    public static TheoryData<Type, double> Precisions()
    {
        var cases = new TheoryData<Type, double>();
        foreach (var (precision, tolerance) in Tolerances) cases.Add(precision, tolerance);
        return cases;
    }

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

    public static TheoryData<string, Type, double> ElementwiseCases()
    {
        var cases = new TheoryData<string, Type, double>();
        foreach (string head in ElementwiseHead.ByName.Keys)
            foreach (var (precision, tolerance) in Tolerances)
                cases.Add(head, precision, tolerance);
        return cases;
    }

    [Theory]
    [MemberData(nameof(ElementwiseCases))]
    public void Elementwise_heads_match_pytorch(string name, Type precision, double tolerance)
    {
        if (precision == typeof(double)) Run<double>(); else Run<float>();

        void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var head = ElementwiseHead.ByName[name];
            var (output, targetValues, shape, loss, grad) = Head(name);
            int n = shape[0], size = output.Length / n;
            var x = TestData.Convert<T>(output.Select(v => (double)v).ToArray());
            var targets = TestData.Convert<T>(targetValues.Select(v => (double)v).ToArray());
            T scale = T.One / T.CreateTruncating(n * size);
            var (losses, dx) = (new T[n], new T[x.Length]);

            Workers(n, (n0, n1) =>
            {
                var range = new Range(n0 * size, n1 * size);
                head.Forward<T>(losses.AsSpan(n0, n1 - n0), x.AsSpan(range), targets.AsSpan(range), n1 - n0, size);
                head.Backward<T>(dx.AsSpan(range), x.AsSpan(range), targets.AsSpan(range), n1 - n0, size, scale);
            });

            AssertMatches(loss, grad, losses, scale, dx, tolerance);
        }
    }

    static void AssertMatches<T>(float loss, float[] grad, T[] losses, T scale, T[] doutput, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double mean = double.CreateTruncating(losses.Aggregate(T.Zero, (a, b) => a + b) * scale);
        Assert.Equal(loss, mean, tolerance * Math.Max(1, Math.Abs(loss)));
        NumericAssert.CloseToLargest(grad, doutput, tolerance, "gradient", "PyTorch", "NetDsl");
    }
}
