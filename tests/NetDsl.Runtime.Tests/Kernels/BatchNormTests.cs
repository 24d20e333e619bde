using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Training-mode batch normalization is run as the generated code runs it: every simulated worker takes its slice of
/// the batch (split as Workspace.Run splits it), writes its partials, and after the "barrier" merges everyone's.
/// </summary>
public sealed class BatchNormTests
{
    const double Epsilon = 1e-5;

    // samples, channels, spatial
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 5, 3, 7 },
        { 2, 2, 9 },    // three workers: one gets no samples
        { 6, 4, 1 },    // one value per sample and channel (after a global pool or a dense layer)
        { 4, 3, 33 },   // whole vectors and a tail
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Matches_reference_in_float(int n, int channels, int spatial) => MatchesReference<float>(n, channels, spatial);

    [Theory, MemberData(nameof(Shapes))]
    public void Matches_reference_in_double(int n, int channels, int spatial) => MatchesReference<double>(n, channels, spatial);

    [Theory, MemberData(nameof(Shapes))]
    public void Splitting_the_batch_across_workers_changes_only_rounding(int n, int channels, int spatial)
    {
        var (x, gamma, beta, dy) = Inputs<double>(n, channels, spatial);
        var one = Train(x, gamma, beta, dy, n, channels, spatial, workers: 1);
        foreach (int workers in new[] { 2, 3 })
        {
            var split = Train(x, gamma, beta, dy, n, channels, spatial, workers);
            Assert.Equal(one.Count, split.Count);
            // Chan's merge groups the sums differently; the results agree to the last few bits.
            NumericAssert.Close(one.Mean, split.Mean, 1e-14, "mean");
            NumericAssert.Close(one.Variance, split.Variance, 1e-14, "variance");
            NumericAssert.Close(one.Y, split.Y, 1e-13, "y");
            NumericAssert.Close(one.Dx, split.Dx, 1e-13, "dx");
            NumericAssert.Close(one.Dgamma, split.Dgamma, 1e-13, "dgamma");
            NumericAssert.Close(one.Dbeta, split.Dbeta, 1e-13, "dbeta");
        }
    }

    [Theory]
    [InlineData(3, 2, 5, 1)]
    [InlineData(3, 2, 5, 2)]
    [InlineData(4, 3, 3, 3)]
    [InlineData(2, 2, 4, 3)]  // one worker idle
    [InlineData(5, 2, 1, 2)]
    public void Gradients_match_finite_differences(int n, int channels, int spatial, int workers)
    {
        var (x, gamma, beta, _) = Inputs<double>(n, channels, spatial);
        Forward<double>? forward = null;
        new GradientChecker().Check(x.Length,
            y =>
            {
                forward = TrainForward(x, gamma, beta, n, channels, spatial, workers);
                forward.Y.CopyTo(y);
            },
            (dy, grads) =>
            {
                var backward = TrainBackward(dy.ToArray(), x, gamma, forward!, n, channels, spatial, workers);
                backward.Dx.CopyTo(grads[0]);
                backward.Dgamma.CopyTo(grads[1]);
                backward.Dbeta.CopyTo(grads[2]);
            },
            ("x", x), ("gamma", gamma), ("beta", beta));
    }

    /// <summary>
    /// torch.nn.BatchNorm2d(2, eps=1e-5, momentum=0.1) on float64: weight (1.5, −0.5), bias (0.25, 2), running mean
    /// (0.2, −0.1), running var (1, 2); x (3, 2, 2, 2) with x[i] = 1.5·sin(0.37 i + 0.2) + 0.5. Two training steps
    /// (x, then 0.5·x − 0.3), then eval on x; values printed by hand.
    /// </summary>
    [Fact]
    public void Running_statistics_and_eval_mode_match_pytorch()
    {
        const int n = 3, channels = 2, spatial = 4, workers = 2;
        var x = Enumerable.Range(0, n * channels * spatial).Select(i => 1.5 * Math.Sin(0.37 * i + 0.2) + 0.5).ToArray();
        double[] gamma = [1.5, -0.5], beta = [0.25, 2.0], runningMean = [0.2, -0.1], runningVariance = [1.0, 2.0];
        int[] probes = [0, 5, 13, 22];

        var first = TrainForward(x, gamma, beta, n, channels, spatial, workers);
        Assert.Equal(12, first.Count);
        BatchNorm.UpdateRunningStatistics<double>(runningMean, runningVariance, first.Mean, first.Variance, first.Count, 0.1);
        NumericAssert.Close(new[] { 0.34895181701403877, 1.6023613706437532, 2.7739049090382597, 1.604371339534332 }, probes.Select(i => first.Y[i]).ToArray(), 1e-13, "train y");
        NumericAssert.Close(new[] { 0.25404027983043, -0.0007472007268030101 }, runningMean, 1e-14, "running mean");
        NumericAssert.Close(new[] { 0.9831727127054447, 1.9519257082874881 }, runningVariance, 1e-14, "running variance");

        var second = TrainForward(x.Select(v => 0.5 * v - 0.3).ToArray(), gamma, beta, n, channels, spatial, workers);
        BatchNorm.UpdateRunningStatistics<double>(runningMean, runningVariance, second.Mean, second.Variance, second.Count, 0.1);
        NumericAssert.Close(new[] { 0.23565639176260197, 0.013953918982475786 }, runningMean, 1e-14, "running mean after two steps");
        NumericAssert.Close(new[] { 0.9056486196112614, 1.7947145645306115 }, runningVariance, 1e-14, "running variance after two steps");

        var y = new double[x.Length];
        BatchNorm.Inference<double>(y, x, runningMean, runningVariance, gamma, beta, Epsilon, n, channels, spatial);
        NumericAssert.Close(new[] { 1.1363675457451063, 1.3218161371945103, 2.353822662116585, 1.3235867081907966 }, probes.Select(i => y[i]).ToArray(), 1e-13, "eval y");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Eval_mode_matches_reference(int n)
    {
        const int channels = 3, spatial = 10;
        var (x, gamma, beta, _) = Inputs<float>(n, channels, spatial);
        float[] mean = [0.5f, -1, 0], variance = [0.25f, 2, 1e-6f];
        var y = new float[x.Length];
        BatchNorm.Inference<float>(y, x, mean, variance, gamma, beta, Epsilon, n, channels, spatial);
        NumericAssert.Close(Reference.BatchNormInference(x, mean, variance, gamma, beta, Epsilon, n, channels, spatial), y);
    }

    /// <summary>
    /// A large mean over a small spread: E[x²] − E[x]² would lose every digit of the variance in float. One worker
    /// keeps it to float rounding. With several, each partial mean is rounded to float (ulp 1e-3 here) before Chan's
    /// merge, as in PyTorch's SyncBatchNorm; the merge weighs that error by the gap between the partial means, which
    /// leaves about 2e-5 here.
    /// </summary>
    [Theory]
    [InlineData(1, 1e-6)]
    [InlineData(3, 1e-4)]
    public void Variance_survives_a_large_mean_in_float(int workers, double tolerance)
    {
        const int n = 6, channels = 2, spatial = 50;
        var x = TestData.Uniform<float>(1, n * channels * spatial, 9999, 10001);
        var (_, mean, variance) = Reference.BatchNormTraining(x, [1f, 1f], [0f, 0f], Epsilon, n, channels, spatial);
        var forward = TrainForward(x, [1f, 1f], [0f, 0f], n, channels, spatial, workers);
        NumericAssert.Close(mean, forward.Mean, 1e-7, "mean");
        NumericAssert.Close(variance, forward.Variance, tolerance, "variance");
    }

    [Fact]
    public void Running_statistics_need_more_than_one_value()
    {
        var running = new float[1];
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNorm.UpdateRunningStatistics<float>(running, running, [0f], [0f], 1, 0.1));
    }

    [Fact]
    public void Rejects_overlapping_reduction_areas_and_short_spans()
    {
        const int channels = 2;
        float[] mean = new float[channels], variance = new float[channels];
        // 3C = 6 elements per worker at offset 1 need a stride of at least 7.
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNorm.MergeStatistics<float>(mean, variance, new float[20], 6, 1, 2, channels));
        var error = Assert.Throws<ArgumentException>(() => BatchNorm.MergeStatistics<float>(mean, variance, new float[13], 7, 1, 2, channels));
        Assert.Equal("reductions", error.ParamName);
        Assert.Contains("expected at least 14 elements, got 13", error.Message);
        var gamma = Assert.Throws<ArgumentException>(() =>
            BatchNorm.NormalizeTraining<float>(new float[8], new float[8], mean, variance, new float[3], new float[2], Epsilon, 1, channels, 4));
        Assert.Equal("gamma", gamma.ParamName);
    }

    static void MatchesReference<T>(int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (x, gamma, beta, dy) = Inputs<T>(n, channels, spatial);
        var (y, mean, variance) = Reference.BatchNormTraining(x, gamma, beta, Epsilon, n, channels, spatial);
        var (dx, dgamma, dbeta) = Reference.BatchNormBackward(dy, x, gamma, Epsilon, n, channels, spatial);
        var result = Train(x, gamma, beta, dy, n, channels, spatial, workers: 2);
        Assert.Equal((long)n * spatial, result.Count);
        NumericAssert.Close(mean, result.Mean, what: "mean");
        NumericAssert.Close(variance, result.Variance, what: "variance");
        NumericAssert.Close(y, result.Y, what: "y");
        NumericAssert.Close(dx, result.Dx, what: "dx");
        NumericAssert.Close(dgamma, result.Dgamma, what: "dgamma");
        NumericAssert.Close(dbeta, result.Dbeta, what: "dbeta");
    }

    static (T[] X, T[] Gamma, T[] Beta, T[] Dy) Inputs<T>(int n, int channels, int spatial) where T : IFloatingPointIeee754<T>
    {
        // Offsets per element keep the channel means away from zero.
        var x = TestData.Uniform<T>(1, n * channels * spatial, 0.5, 3);
        return (x, TestData.Uniform<T>(2, channels, 0.5, 2), TestData.Uniform<T>(3, channels), TestData.Uniform<T>(4, x.Length));
    }

    sealed record Forward<T>(T[] Y, T[] Mean, T[] Variance, long Count);
    sealed record Result<T>(T[] Y, T[] Mean, T[] Variance, long Count, T[] Dx, T[] Dgamma, T[] Dbeta);

    static Result<T> Train<T>(T[] x, T[] gamma, T[] beta, T[] dy, int n, int channels, int spatial, int workers) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var forward = TrainForward(x, gamma, beta, n, channels, spatial, workers);
        var (dx, dgamma, dbeta) = TrainBackward(dy, x, gamma, forward, n, channels, spatial, workers);
        return new(forward.Y, forward.Mean, forward.Variance, forward.Count, dx, dgamma, dbeta);
    }

    // Each worker's area sits at w*Stride + Offset, with unused cells around it; they hold NaN so that reading one shows.
    const int Offset = 1;
    static int Stride(int channels) => 3 * channels + 2;

    static (int N0, int N1) Slice(int n, int w, int workers) => (n * w / workers, n * (w + 1) / workers);

    static Forward<T> TrainForward<T>(T[] x, T[] gamma, T[] beta, int n, int channels, int spatial, int workers) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = Stride(channels), sample = channels * spatial;
        var reductions = Enumerable.Repeat(T.NaN, workers * stride).ToArray();
        for (int w = 0; w < workers; w++)
        {
            var (n0, n1) = Slice(n, w, workers);
            BatchNorm.PartialStatistics<T>(reductions.AsSpan(w * stride + Offset, 3 * channels), x.AsSpan(n0 * sample, (n1 - n0) * sample), n1 - n0, channels, spatial);
        }
        // After the barrier every worker merges every area, and all must agree bit for bit.
        var y = new T[x.Length];
        T[] mean = [], variance = [];
        long count = 0;
        for (int w = 0; w < workers; w++)
        {
            T[] m = new T[channels], v = new T[channels];
            long c = BatchNorm.MergeStatistics<T>(m, v, reductions, stride, Offset, workers, channels);
            if (w == 0) (mean, variance, count) = (m, v, c);
            Assert.Equal(mean, m);
            Assert.Equal(variance, v);
            Assert.Equal(count, c);
            var (n0, n1) = Slice(n, w, workers);
            var range = new Range(n0 * sample, n1 * sample);
            BatchNorm.NormalizeTraining<T>(y.AsSpan(range), x.AsSpan(range), m, v, gamma, beta, Epsilon, n1 - n0, channels, spatial);
        }
        return new(y, mean, variance, count);
    }

    static (T[] Dx, T[] Dgamma, T[] Dbeta) TrainBackward<T>(T[] dy, T[] x, T[] gamma, Forward<T> forward, int n, int channels, int spatial, int workers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = Stride(channels), sample = channels * spatial;
        var reductions = Enumerable.Repeat(T.NaN, workers * stride).ToArray();
        // Per-worker parameter gradients start from earlier contributions: the kernel must add to them.
        var dgammas = Enumerable.Range(0, workers).Select(w => TestData.Uniform<T>(10 + w, channels)).ToArray();
        var dbetas = Enumerable.Range(0, workers).Select(w => TestData.Uniform<T>(20 + w, channels)).ToArray();
        var start = (Gamma: Sum(dgammas), Beta: Sum(dbetas));
        for (int w = 0; w < workers; w++)
        {
            var (n0, n1) = Slice(n, w, workers);
            var range = new Range(n0 * sample, n1 * sample);
            BatchNorm.BackwardPartial<T>(reductions.AsSpan(w * stride + Offset, 2 * channels), dgammas[w], dbetas[w], dy.AsSpan(range), x.AsSpan(range),
                forward.Mean, forward.Variance, Epsilon, n1 - n0, channels, spatial);
        }
        var dx = TestData.Uniform<T>(5, x.Length, 100, 200); // overwritten
        for (int w = 0; w < workers; w++)
        {
            var (n0, n1) = Slice(n, w, workers);
            var range = new Range(n0 * sample, n1 * sample);
            BatchNorm.BackwardInput<T>(dx.AsSpan(range), dy.AsSpan(range), x.AsSpan(range), forward.Mean, forward.Variance, gamma,
                reductions, stride, Offset, workers, forward.Count, Epsilon, n1 - n0, channels, spatial);
        }
        return (dx, Subtract(Sum(dgammas), start.Gamma), Subtract(Sum(dbetas), start.Beta));
    }

    static T[] Sum<T>(T[][] parts) where T : IFloatingPointIeee754<T> => parts.Aggregate(new T[parts[0].Length], Reference.Add);
    static T[] Subtract<T>(T[] a, T[] b) where T : IFloatingPointIeee754<T> => a.Zip(b, (u, v) => u - v).ToArray();
}
