using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cpu;

// Shapes: x, y, dy, dx (n, C, spatial): one worker's samples of the batch. mean, variance (biased), gamma, beta,
// running statistics, dgamma, dbeta: (C). Per channel, M = N·spatial values over the whole batch of N samples:
//   x̂ = (x − mean) · invstd,  invstd = 1 / √(variance + ε)        y = gamma·x̂ + beta
//   dgamma = Σ dy·x̂   dbeta = Σ dy   dx = gamma·invstd · (dy − Σdy/M − x̂·Σ(dy·x̂)/M)
// The sums span every worker's samples, so training splits around barriers:
//   forward   PartialStatistics | barrier | MergeStatistics → NormalizeTraining (worker 0: UpdateRunningStatistics)
//   backward  BackwardPartial (also dgamma, dbeta) | barrier | BackwardInput
// Worker w's partials live at reductions[w*stride + offset ..], channel-major:
//   statistics (C, 3): count, mean, M2 = Σ(x − mean)² of that worker's values, merged with Chan's formula
//                      (a float count is exact up to 2^24 values per worker and channel)
//   backward   (C, 2): Σ dy, Σ dy·x̂
// Every worker merges all partials in worker order, so all get bit-identical results. Splitting the batch
// differently changes only rounding; but partial means are stored in T, so in float a mean far larger than the
// spread costs the merged variance some relative accuracy (1e4 ± 1 over 3 workers: about 2e-5).
// Per-channel arithmetic (merges, invstd, coefficients) runs in double, as PyTorch's CPU kernels accumulate float
// in double; element loops run in T.
public static class BatchNorm
{
    const int StatisticsPerChannel = 3, GradientsPerChannel = 2;

    /// <summary>partial (C, 3) = (count, mean, M2) of each channel over this worker's n samples (zeros when n = 0).</summary>
    public static void PartialStatistics<T>(Span<T> partial, ReadOnlySpan<T> x, int n, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSamples(x.Length, n, channels, spatial, nameof(x));
        Check.Length(partial.Length, (long)StatisticsPerChannel * channels, nameof(partial));
        long count = (long)n * spatial;
        if (count == 0)
        {
            partial.Clear();
            return;
        }
        for (int c = 0; c < channels; c++)
        {
            // Two passes: a provisional mean, then deviations from it; their sum corrects the mean's rounding.
            double sum = 0;
            for (int s = 0; s < n; s++) sum += double.CreateTruncating(TensorPrimitives.Sum(Plane(x, s, c, channels, spatial)));
            T shift = T.CreateTruncating(sum / count);
            double deviations = 0, squares = 0;
            for (int s = 0; s < n; s++)
            {
                var (d, q) = Sums<T, Deviation<T>>(Plane(x, s, c, channels, spatial), Plane(x, s, c, channels, spatial), shift);
                deviations += d;
                squares += q;
            }
            partial[StatisticsPerChannel * c] = T.CreateTruncating(count);
            partial[StatisticsPerChannel * c + 1] = T.CreateTruncating(double.CreateTruncating(shift) + deviations / count);
            partial[StatisticsPerChannel * c + 2] = T.CreateTruncating(Math.Max(0, squares - deviations * deviations / count));
        }
    }

    /// <summary>
    /// mean, variance (biased) of the whole batch from every worker's partial statistics, merged in worker order.
    /// Returns the number of values per channel, N·spatial. Shapes: mean, variance (C).
    /// </summary>
    public static long MergeStatistics<T>(Span<T> mean, Span<T> variance, ReadOnlySpan<T> reductions, int stride, int offset, int workers, int channels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        CheckReductions(reductions.Length, stride, offset, workers, (long)StatisticsPerChannel * channels);
        Check.Length(mean.Length, channels, nameof(mean));
        Check.Length(variance.Length, channels, nameof(variance));
        double total = 0;
        for (int c = 0; c < channels; c++)
        {
            double count = 0, m = 0, m2 = 0;
            for (int w = 0; w < workers; w++)
            {
                var part = reductions.Slice(w * stride + offset + StatisticsPerChannel * c, StatisticsPerChannel);
                double countB = double.CreateTruncating(part[0]);
                if (countB == 0) continue; // an empty slice of the batch
                double delta = double.CreateTruncating(part[1]) - m, merged = count + countB;
                m += delta * (countB / merged);
                m2 += double.CreateTruncating(part[2]) + delta * delta * (count * countB / merged);
                count = merged;
            }
            mean[c] = T.CreateTruncating(m);
            variance[c] = T.CreateTruncating(count > 0 ? m2 / count : 0);
            total = count;
        }
        return (long)total;
    }

    /// <summary>y = gamma·(x − mean)/√(variance + ε) + beta with the batch's statistics. y may alias x.</summary>
    public static void NormalizeTraining<T>(Span<T> y, ReadOnlySpan<T> x, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, double epsilon, int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T> =>
        Normalize(y, x, mean, variance, gamma, beta, epsilon, n, channels, spatial, nameof(mean), nameof(variance));

    /// <summary>
    /// running = (1 − momentum)·running + momentum·batch, with the batch's unbiased variance (count/(count − 1)), as
    /// PyTorch. Called once per step, by one worker.
    /// </summary>
    public static void UpdateRunningStatistics<T>(Span<T> runningMean, Span<T> runningVariance, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance,
        long count, double momentum) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int channels = mean.Length;
        Check.Length(variance.Length, channels, nameof(variance));
        Check.Length(runningMean.Length, channels, nameof(runningMean));
        Check.Length(runningVariance.Length, channels, nameof(runningVariance));
        // PyTorch refuses too: the unbiased variance of a single value is undefined.
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "Batch normalization needs more than one value per channel in training.");
        double unbias = count / (count - 1.0);
        for (int c = 0; c < channels; c++)
        {
            runningMean[c] = T.CreateTruncating((1 - momentum) * double.CreateTruncating(runningMean[c]) + momentum * double.CreateTruncating(mean[c]));
            runningVariance[c] = T.CreateTruncating((1 - momentum) * double.CreateTruncating(runningVariance[c])
                + momentum * unbias * double.CreateTruncating(variance[c]));
        }
    }

    /// <summary>y = gamma·(x − runningMean)/√(runningVariance + ε) + beta: evaluation mode, no batch statistics. y may alias x.</summary>
    public static void Inference<T>(Span<T> y, ReadOnlySpan<T> x, ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVariance,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, double epsilon, int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T> =>
        Normalize(y, x, runningMean, runningVariance, gamma, beta, epsilon, n, channels, spatial, nameof(runningMean), nameof(runningVariance));

    /// <summary>
    /// partial (C, 2) = (Σdy, Σdy·x̂) over this worker's samples, and the same sums added to dgamma and dbeta.
    /// Shapes: dy, x (n, C, spatial); mean, variance (the batch's), dgamma, dbeta (C).
    /// </summary>
    public static void BackwardPartial<T>(Span<T> partial, Span<T> dgamma, Span<T> dbeta, ReadOnlySpan<T> dy, ReadOnlySpan<T> x,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, double epsilon, int n, int channels, int spatial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSamples(x.Length, n, channels, spatial, nameof(x));
        Check.Length(dy.Length, x.Length, nameof(dy));
        Check.Length(partial.Length, (long)GradientsPerChannel * channels, nameof(partial));
        CheckChannels(channels, mean, nameof(mean), variance, nameof(variance));
        CheckChannels(channels, dgamma, nameof(dgamma), dbeta, nameof(dbeta));
        for (int c = 0; c < channels; c++)
        {
            double sumDy = 0, sumDyCentered = 0;
            for (int s = 0; s < n; s++)
            {
                var (g, gc) = Sums<T, Gradient<T>>(Plane(dy, s, c, channels, spatial), Plane(x, s, c, channels, spatial), mean[c]);
                sumDy += g;
                sumDyCentered += gc;
            }
            T dyTotal = T.CreateTruncating(sumDy), dyXhat = T.CreateTruncating(sumDyCentered * InverseStd(variance[c], epsilon));
            partial[GradientsPerChannel * c] = dyTotal;
            partial[GradientsPerChannel * c + 1] = dyXhat;
            dgamma[c] += dyXhat;
            dbeta[c] += dyTotal;
        }
    }

    /// <summary>
    /// dx = gamma·invstd·(dy − Σdy/M − x̂·Σ(dy·x̂)/M), the sums taken over every worker's partials in worker order and
    /// M = <paramref name="count"/> (MergeStatistics' result). dx is overwritten and must not alias dy.
    /// Shapes: dx, dy, x (n, C, spatial).
    /// </summary>
    public static void BackwardInput<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance,
        ReadOnlySpan<T> gamma, ReadOnlySpan<T> reductions, int stride, int offset, int workers, long count, double epsilon, int n, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSamples(x.Length, n, channels, spatial, nameof(x));
        Check.Length(dy.Length, x.Length, nameof(dy));
        Check.Length(dx.Length, x.Length, nameof(dx));
        CheckChannels(channels, mean, nameof(mean), variance, nameof(variance));
        Check.Length(gamma.Length, channels, nameof(gamma));
        CheckReductions(reductions.Length, stride, offset, workers, (long)GradientsPerChannel * channels);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, (long)n * spatial);
        if (n == 0) return;
        for (int c = 0; c < channels; c++)
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int w = 0; w < workers; w++)
            {
                var part = reductions.Slice(w * stride + offset + GradientsPerChannel * c, GradientsPerChannel);
                sumDy += double.CreateTruncating(part[0]);
                sumDyXhat += double.CreateTruncating(part[1]);
            }
            // dx = a·dy + b·(x − mean) + d, with x̂ = (x − mean)·invstd expanded; centring first avoids cancellation.
            double invstd = InverseStd(variance[c], epsilon), a = double.CreateTruncating(gamma[c]) * invstd;
            T dyScale = T.CreateTruncating(a), centeredScale = T.CreateTruncating(-a * invstd * sumDyXhat / count), bias = T.CreateTruncating(-a * sumDy / count);
            for (int s = 0; s < n; s++)
            {
                var dxs = Plane(dx, s, c, channels, spatial);
                Affine(dxs, Plane(x, s, c, channels, spatial), mean[c], centeredScale, bias);
                TensorPrimitives.MultiplyAdd(Plane(dy, s, c, channels, spatial), dyScale, dxs, dxs);
            }
        }
    }

    static void Normalize<T>(Span<T> y, ReadOnlySpan<T> x, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta,
        double epsilon, int n, int channels, int spatial, string meanName, string varianceName) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSamples(x.Length, n, channels, spatial, nameof(x));
        Check.Length(y.Length, x.Length, nameof(y));
        CheckChannels(channels, mean, meanName, variance, varianceName);
        CheckChannels(channels, gamma, nameof(gamma), beta, nameof(beta));
        for (int c = 0; c < channels; c++)
        {
            T scale = T.CreateTruncating(double.CreateTruncating(gamma[c]) * InverseStd(variance[c], epsilon));
            for (int s = 0; s < n; s++) Affine(Plane(y, s, c, channels, spatial), Plane(x, s, c, channels, spatial), mean[c], scale, beta[c]);
        }
    }

    /// <summary>y = (x − shift)·scale + bias over one plane; y may alias x.</summary>
    static void Affine<T>(Span<T> y, ReadOnlySpan<T> x, T shift, T scale, T bias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T y0 = ref MemoryMarshal.GetReference(y);
        Vector<T> shifts = new(shift), scales = new(scale), biases = new(bias);
        int i = 0, width = Vector<T>.Count;
        for (; i <= x.Length - width; i += width)
            ((Vector.LoadUnsafe(ref x0, (nuint)i) - shifts) * scales + biases).StoreUnsafe(ref y0, (nuint)i);
        for (; i < x.Length; i++) y[i] = (x[i] - shift) * scale + bias; // the same arithmetic: neither form is fused
    }

    /// <summary>
    /// (Σw, Σw·(x − shift)) over one plane, w = TWeight.Of(u, x − shift): per-lane sums in T (a plane is short
    /// enough), returned in double for the caller to accumulate across planes and workers.
    /// </summary>
    static (double Weights, double Moments) Sums<T, TWeight>(ReadOnlySpan<T> u, ReadOnlySpan<T> x, T shift)
        where T : unmanaged, IFloatingPointIeee754<T> where TWeight : IWeight<T>
    {
        ref T u0 = ref MemoryMarshal.GetReference(u);
        ref T x0 = ref MemoryMarshal.GetReference(x);
        Vector<T> shifts = new(shift), weights = Vector<T>.Zero, moments = Vector<T>.Zero;
        int i = 0, width = Vector<T>.Count;
        for (; i <= x.Length - width; i += width)
        {
            var centered = Vector.LoadUnsafe(ref x0, (nuint)i) - shifts;
            var w = TWeight.Of(Vector.LoadUnsafe(ref u0, (nuint)i), centered);
            weights += w;
            moments += w * centered;
        }
        T weight = Vector.Sum(weights), moment = Vector.Sum(moments);
        for (; i < x.Length; i++)
        {
            T centered = x[i] - shift, w = TWeight.Of(u[i], centered);
            weight += w;
            moment += w * centered;
        }
        return (double.CreateTruncating(weight), double.CreateTruncating(moment));
    }

    interface IWeight<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        static abstract Vector<T> Of(Vector<T> u, Vector<T> centered);
        static abstract T Of(T u, T centered);
    }

    /// <summary>w = x − shift: the sums are Σ(x − shift) and Σ(x − shift)².</summary>
    struct Deviation<T> : IWeight<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Of(Vector<T> u, Vector<T> centered) => centered;
        public static T Of(T u, T centered) => centered;
    }

    /// <summary>w = dy: the sums are Σdy and Σdy·(x − mean).</summary>
    struct Gradient<T> : IWeight<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Of(Vector<T> u, Vector<T> centered) => u;
        public static T Of(T u, T centered) => u;
    }

    static void CheckSamples(int length, int n, int channels, int spatial, string name)
    {
        Check.Count(n, nameof(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spatial, 1);
        Check.Length(length, (long)n * channels * spatial, name);
    }

    static void CheckChannels<T>(int channels, ReadOnlySpan<T> a, string aName, ReadOnlySpan<T> b, string bName)
    {
        Check.Length(a.Length, channels, aName);
        Check.Length(b.Length, channels, bName);
    }

    /// <summary>Worker w's area of <paramref name="area"/> elements at w*stride + offset; areas must not overlap.</summary>
    static void CheckReductions(int length, int stride, int offset, int workers, long area)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (workers > 1 && offset + area > stride)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"Each worker's reduction area needs {offset} + {area} elements within the stride.");
        Check.AtLeast(length, (long)(workers - 1) * stride + offset + area, "reductions");
    }

    static double InverseStd<T>(T variance, double epsilon) where T : unmanaged, IFloatingPointIeee754<T> =>
        1 / Math.Sqrt(double.CreateTruncating(variance) + epsilon);

    static Span<T> Plane<T>(Span<T> t, int s, int c, int channels, int spatial) => t.Slice((s * channels + c) * spatial, spatial);
    static ReadOnlySpan<T> Plane<T>(ReadOnlySpan<T> t, int s, int c, int channels, int spatial) => t.Slice((s * channels + c) * spatial, spatial);
}
