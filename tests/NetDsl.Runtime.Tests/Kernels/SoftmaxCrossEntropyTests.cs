using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class SoftmaxCrossEntropyTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 10)]
    [InlineData(5, 17)]
    public void Matches_reference_in_float(int n, int classes) => MatchesReference<float>(n, classes);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 10)]
    [InlineData(5, 17)]
    public void Matches_reference_in_double(int n, int classes) => MatchesReference<double>(n, classes);

    [Theory]
    [InlineData(3, 4)]
    [InlineData(2, 10)]
    public void Gradients_match_finite_differences(int n, int classes)
    {
        var logits = TestData.Uniform<double>(1, n * classes, -3, 3);
        var labels = Labels(n, classes);
        var probs = new double[logits.Length];
        var losses = new double[n];
        // Output: the summed loss; backward's scale is exactly dL/d(sum).
        new GradientChecker().Check(1,
            y =>
            {
                SoftmaxCrossEntropy.Forward<double>(probs, losses, logits, labels, n, classes);
                y[0] = losses.Sum();
            },
            (dy, grads) => SoftmaxCrossEntropy.Backward<double>(grads[0], probs, labels, n, classes, dy[0]),
            ("logits", logits));
    }

    [Fact]
    public void Extreme_logits_stay_finite()
    {
        Extreme<float>();
        Extreme<double>();
    }

    [Fact]
    public void A_label_out_of_range_names_the_sample_and_label()
    {
        var probs = new float[6];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SoftmaxCrossEntropy.Forward<float>(probs, new float[2], new float[6], [1, 3], 2, 3));
        Assert.Contains("Sample 1", error.Message);
        Assert.Contains("label 3", error.Message);
        error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SoftmaxCrossEntropy.Backward<float>(new float[6], probs, [-1, 0], 2, 3, 1f));
        Assert.Contains("Sample 0", error.Message);
        Assert.Contains("label -1", error.Message);
    }

    [Fact]
    public void Backward_may_write_over_probs()
    {
        const int n = 3, classes = 5;
        var logits = TestData.Uniform<float>(1, n * classes, -3, 3);
        int[] labels = [4, 0, 2];
        var probs = new float[logits.Length];
        SoftmaxCrossEntropy.Forward<float>(probs, new float[n], logits, labels, n, classes);
        var separate = new float[probs.Length];
        SoftmaxCrossEntropy.Backward<float>(separate, probs, labels, n, classes, 0.5f);

        SoftmaxCrossEntropy.Backward<float>(probs, probs, labels, n, classes, 0.5f);

        Assert.Equal(separate, probs);
    }

    static void MatchesReference<T>(int n, int classes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var logits = TestData.Uniform<T>(1, n * classes, -5, 5);
        var labels = Labels(n, classes);
        var probs = new T[logits.Length];
        var losses = new T[n];
        var dlogits = new T[logits.Length];
        T scale = T.CreateTruncating(0.25);

        SoftmaxCrossEntropy.Forward<T>(probs, losses, logits, labels, n, classes);
        SoftmaxCrossEntropy.Backward<T>(dlogits, probs, labels, n, classes, scale);

        var (probsRef, lossesRef) = Reference.SoftmaxCrossEntropy(logits, labels, n, classes);
        NumericAssert.Close(probsRef, probs, what: "probs");
        NumericAssert.Close(lossesRef, losses, what: "losses");
        var expected = probsRef.Select((p, i) => (p - (labels[i / classes] == i % classes ? T.One : T.Zero)) * scale).ToArray();
        NumericAssert.Close(expected, dlogits, what: "dlogits");
    }

    static void Extreme<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Sample 0: the true class is hugely wrong; sample 1: confidently right; sample 2: a tie at the top.
        var logits = new[] { 1e4, -1e4, 0, -1e4, 1e4, 5, 1e4, 1e4, -1e4 }.Select(T.CreateTruncating).ToArray();
        int[] labels = [1, 1, 0];
        var probs = new T[9];
        var losses = new T[3];

        SoftmaxCrossEntropy.Forward<T>(probs, losses, logits, labels, 3, 3);

        Assert.All(probs, p => Assert.True(T.IsFinite(p)));
        NumericAssert.Close(new[] { T.CreateTruncating(2e4), T.Zero, T.CreateTruncating(Math.Log(2)) }, losses, what: "losses");
        NumericAssert.Close(new[] { 1, 0, 0, 0, 1, 0, 0.5, 0.5, 0 }.Select(T.CreateTruncating).ToArray(), probs, what: "probs");
    }

    static int[] Labels(int n, int classes) => Enumerable.Range(0, n).Select(s => (s * 7 + 3) % classes).ToArray();
}
