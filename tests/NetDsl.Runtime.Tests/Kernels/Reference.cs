using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Obviously-correct kernels: direct loops straight from the definitions, accumulating in double.
/// Shapes and semantics as in PyTorch (see the kernel files); they allocate their results.
/// </summary>
internal static class Reference
{
    static double D<T>(T v) where T : IFloatingPointIeee754<T> => double.CreateTruncating(v);
    static T[] Back<T>(double[] v) where T : IFloatingPointIeee754<T> => v.Select(T.CreateTruncating).ToArray();

    /// <summary>
    /// Φ(x), the standard normal CDF, as 1/2 ± ∫₀^|x| φ by composite Simpson on 4000 intervals: independent of the erf
    /// under test, and within ~1e-15 (the error is (|x|/4000)⁴ times φ's fourth derivative).
    /// </summary>
    public static double NormalCdf(double x)
    {
        const int intervals = 4000;
        double a = Math.Abs(x), h = a / intervals, sum = 0;
        static double Density(double t) => Math.Exp(-t * t / 2) / Math.Sqrt(2 * Math.PI);
        for (int i = 0; i <= intervals; i++) sum += (i == 0 || i == intervals ? 1 : i % 2 == 1 ? 4 : 2) * Density(i * h);
        double integral = sum * h / 3;
        return x < 0 ? 0.5 - integral : 0.5 + integral;
    }

    /// <summary>x at (sample, channel, row, col), or 0 in the zero padding.</summary>
    static double Pixel<T>(T[] x, int s, int c, int row, int col, int channels, int h, int w) where T : IFloatingPointIeee754<T> =>
        row < 0 || row >= h || col < 0 || col >= w ? 0 : D(x[((s * channels + c) * h + row) * w + col]);

    /// <summary>Every (input channel, tap, input row, input column) of output channel co's window at (oh, ow), taps in x only.</summary>
    static IEnumerable<(int Ci, int Tap, int Row, int Col)> ConvWindow(ConvGeometry g, int co, int oh, int ow)
    {
        int perGroup = g.InChannels / g.Groups, group = co / (g.OutChannels / g.Groups);
        for (int c = 0; c < perGroup; c++)
            for (int kh = 0; kh < g.KernelHeight; kh++)
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    int row = oh * g.StrideHeight + kh * g.DilationHeight - g.PaddingHeight;
                    int col = ow * g.StrideWidth + kw * g.DilationWidth - g.PaddingWidth;
                    if (row >= 0 && row < g.Height && col >= 0 && col < g.Width)
                        yield return (group * perGroup + c, (c * g.KernelHeight + kh) * g.KernelWidth + kw, row, col);
                }
    }

    public static T[] ConvForward<T>(T[] x, T[] w, T[] b, int n, ConvGeometry g) where T : IFloatingPointIeee754<T>
    {
        int ho = g.OutHeight, wo = g.OutWidth;
        var y = new double[n * g.OutSize];
        for (int s = 0; s < n; s++)
            for (int co = 0; co < g.OutChannels; co++)
                for (int oh = 0; oh < ho; oh++)
                    for (int ow = 0; ow < wo; ow++)
                    {
                        double sum = D(b[co]);
                        foreach (var (ci, tap, row, col) in ConvWindow(g, co, oh, ow))
                            sum += D(w[co * g.Patch + tap]) * Pixel(x, s, ci, row, col, g.InChannels, g.Height, g.Width);
                        y[((s * g.OutChannels + co) * ho + oh) * wo + ow] = sum;
                    }
        return Back<T>(y);
    }

    /// <summary>Gradients of L = Σ y·dy: each (output, tap) pair adds its product rule terms.</summary>
    public static (T[] Dx, T[] Dw, T[] Db) ConvBackward<T>(T[] dy, T[] x, T[] w, int n, ConvGeometry g) where T : IFloatingPointIeee754<T>
    {
        int ho = g.OutHeight, wo = g.OutWidth;
        var dx = new double[n * g.InSize];
        var dw = new double[w.Length];
        var db = new double[g.OutChannels];
        for (int s = 0; s < n; s++)
            for (int co = 0; co < g.OutChannels; co++)
                for (int oh = 0; oh < ho; oh++)
                    for (int ow = 0; ow < wo; ow++)
                    {
                        double gy = D(dy[((s * g.OutChannels + co) * ho + oh) * wo + ow]);
                        db[co] += gy;
                        foreach (var (ci, tap, row, col) in ConvWindow(g, co, oh, ow))
                        {
                            int wi = co * g.Patch + tap;
                            int xi = ((s * g.InChannels + ci) * g.Height + row) * g.Width + col;
                            dw[wi] += gy * D(x[xi]);
                            dx[xi] += gy * D(w[wi]);
                        }
                    }
        return (Back<T>(dx), Back<T>(dw), Back<T>(db));
    }

    /// <summary>Input offset (within x) of each window element that lies in x (not in the padding), in row-major window order.</summary>
    static IEnumerable<int> Window(int plane, int oh, int ow, PoolGeometry g)
    {
        for (int kh = 0; kh < g.Kernel; kh++)
            for (int kw = 0; kw < g.Kernel; kw++)
            {
                int row = oh * g.Stride - g.Padding + kh, col = ow * g.Stride - g.Padding + kw;
                if (row >= 0 && row < g.Height && col >= 0 && col < g.Width)
                    yield return (plane * g.Height + row) * g.Width + col;
            }
    }

    /// <summary>PyTorch's average divisor (count_include_pad): the window's positions inside the padded input.</summary>
    /// <summary>Average pooling's divisor: the window within the padded input, or (without count_include_pad) within x.</summary>
    static int PaddedArea(int oh, int ow, PoolGeometry g)
    {
        if (!g.CountIncludePad) return Window(0, oh, ow, g).Count();
        int area = 0;
        for (int kh = 0; kh < g.Kernel; kh++)
            for (int kw = 0; kw < g.Kernel; kw++)
                if (oh * g.Stride + kh < g.Height + 2 * g.Padding && ow * g.Stride + kw < g.Width + 2 * g.Padding)
                    area++;
        return area;
    }

    static IEnumerable<(int Output, int Plane, int Oh, int Ow)> Outputs(int n, PoolGeometry g)
    {
        int o = 0;
        for (int plane = 0; plane < n * g.Channels; plane++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                    yield return (o++, plane, oh, ow);
    }

    /// <summary>PyTorch's rule: scan in row-major order, replace when strictly greater or NaN.</summary>
    static int ArgMax<T>(T[] x, IEnumerable<int> window) where T : IFloatingPointIeee754<T>
    {
        int best = -1;
        foreach (int i in window)
            if (best < 0 || x[i] > x[best] || T.IsNaN(x[i]))
                best = i;
        return best;
    }

    public static T[] MaxPoolForward<T>(T[] x, int n, PoolGeometry g) where T : IFloatingPointIeee754<T>
    {
        var y = new T[n * g.OutSize];
        foreach (var (o, plane, oh, ow) in Outputs(n, g)) y[o] = x[ArgMax(x, Window(plane, oh, ow, g))];
        return y;
    }

    public static T[] MaxPoolBackward<T>(T[] dy, T[] x, int n, PoolGeometry g) where T : IFloatingPointIeee754<T>
    {
        var dx = new double[x.Length];
        foreach (var (o, plane, oh, ow) in Outputs(n, g)) dx[ArgMax(x, Window(plane, oh, ow, g))] += D(dy[o]);
        return Back<T>(dx);
    }

    public static T[] AvgPoolForward<T>(T[] x, int n, PoolGeometry g) where T : IFloatingPointIeee754<T>
    {
        var y = new double[n * g.OutSize];
        foreach (var (o, plane, oh, ow) in Outputs(n, g)) y[o] = Window(plane, oh, ow, g).Sum(i => D(x[i])) / PaddedArea(oh, ow, g);
        return Back<T>(y);
    }

    public static T[] AvgPoolBackward<T>(T[] dy, int n, PoolGeometry g) where T : IFloatingPointIeee754<T>
    {
        var dx = new double[n * g.InSize];
        foreach (var (o, plane, oh, ow) in Outputs(n, g))
            foreach (int i in Window(plane, oh, ow, g))
                dx[i] += D(dy[o]) / PaddedArea(oh, ow, g);
        return Back<T>(dx);
    }

    public static T[] DenseForward<T>(T[] x, T[] w, T[] b, int n, int inputs, int outputs) where T : IFloatingPointIeee754<T>
    {
        var y = new double[n * outputs];
        for (int s = 0; s < n; s++)
            for (int o = 0; o < outputs; o++)
            {
                double sum = D(b[o]);
                for (int i = 0; i < inputs; i++) sum += D(x[s * inputs + i]) * D(w[o * inputs + i]);
                y[s * outputs + o] = sum;
            }
        return Back<T>(y);
    }

    public static (T[] Dx, T[] Dw, T[] Db) DenseBackward<T>(T[] dy, T[] x, T[] w, int n, int inputs, int outputs) where T : IFloatingPointIeee754<T>
    {
        var dx = new double[n * inputs];
        var dw = new double[outputs * inputs];
        var db = new double[outputs];
        for (int s = 0; s < n; s++)
            for (int o = 0; o < outputs; o++)
            {
                double gy = D(dy[s * outputs + o]);
                db[o] += gy;
                for (int i = 0; i < inputs; i++)
                {
                    dw[o * inputs + i] += gy * D(x[s * inputs + i]);
                    dx[s * inputs + i] += gy * D(w[o * inputs + i]);
                }
            }
        return (Back<T>(dx), Back<T>(dw), Back<T>(db));
    }

    /// <summary>Element (sample, channel, position) of an (n, C, spatial) tensor.</summary>
    static int At(int s, int c, int i, int channels, int spatial) => (s * channels + c) * spatial + i;

    /// <summary>Per-channel mean and biased variance over (n, spatial), in double.</summary>
    static (double[] Mean, double[] Variance) ChannelMoments<T>(T[] x, int n, int channels, int spatial) where T : IFloatingPointIeee754<T>
    {
        var mean = new double[channels];
        var variance = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            var values = Enumerable.Range(0, n).SelectMany(s => Enumerable.Range(0, spatial).Select(i => D(x[At(s, c, i, channels, spatial)]))).ToArray();
            mean[c] = values.Average();
            variance[c] = values.Select(v => (v - mean[c]) * (v - mean[c])).Average();
        }
        return (mean, variance);
    }

    static double[] Normalize<T>(T[] x, double[] mean, double[] variance, T[] gamma, T[] beta, double epsilon, int n, int channels, int spatial)
        where T : IFloatingPointIeee754<T>
    {
        var y = new double[x.Length];
        for (int s = 0; s < n; s++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < spatial; i++)
                {
                    int at = At(s, c, i, channels, spatial);
                    y[at] = D(gamma[c]) * (D(x[at]) - mean[c]) / Math.Sqrt(variance[c] + epsilon) + D(beta[c]);
                }
        return y;
    }

    /// <summary>Training-mode batch normalization by its definition: the batch's mean and biased variance per channel.</summary>
    public static (T[] Y, T[] Mean, T[] Variance) BatchNormTraining<T>(T[] x, T[] gamma, T[] beta, double epsilon, int n, int channels, int spatial)
        where T : IFloatingPointIeee754<T>
    {
        var (mean, variance) = ChannelMoments(x, n, channels, spatial);
        return (Back<T>(Normalize(x, mean, variance, gamma, beta, epsilon, n, channels, spatial)), Back<T>(mean), Back<T>(variance));
    }

    public static T[] BatchNormInference<T>(T[] x, T[] mean, T[] variance, T[] gamma, T[] beta, double epsilon, int n, int channels, int spatial)
        where T : IFloatingPointIeee754<T> =>
        Back<T>(Normalize(x, mean.Select(D).ToArray(), variance.Select(D).ToArray(), gamma, beta, epsilon, n, channels, spatial));

    /// <summary>
    /// Training-mode gradients, with M values per channel: dgamma = Σ dy·x̂, dbeta = Σ dy,
    /// dx = gamma/σ · (dy − mean(dy) − x̂·mean(dy·x̂)).
    /// </summary>
    public static (T[] Dx, T[] Dgamma, T[] Dbeta) BatchNormBackward<T>(T[] dy, T[] x, T[] gamma, double epsilon, int n, int channels, int spatial)
        where T : IFloatingPointIeee754<T>
    {
        var (mean, variance) = ChannelMoments(x, n, channels, spatial);
        var dx = new double[x.Length];
        var dgamma = new double[channels];
        var dbeta = new double[channels];
        double count = (double)n * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sigma = Math.Sqrt(variance[c] + epsilon);
            var cells = Enumerable.Range(0, n).SelectMany(s => Enumerable.Range(0, spatial).Select(i => At(s, c, i, channels, spatial))).ToArray();
            foreach (int at in cells)
            {
                dbeta[c] += D(dy[at]);
                dgamma[c] += D(dy[at]) * (D(x[at]) - mean[c]) / sigma;
            }
            foreach (int at in cells)
            {
                double xhat = (D(x[at]) - mean[c]) / sigma;
                dx[at] = D(gamma[c]) / sigma * (D(dy[at]) - dbeta[c] / count - xhat * dgamma[c] / count);
            }
        }
        return (Back<T>(dx), Back<T>(dgamma), Back<T>(dbeta));
    }

    /// <summary>Channels in the LRN window of c: [c − size/2, c + (size − 1)/2], clipped.</summary>
    static IEnumerable<int> LrnWindow(int c, int channels, int size) =>
        Enumerable.Range(c - size / 2, size).Where(i => i >= 0 && i < channels);

    static double LrnDenominator<T>(T[] x, int s, int c, int i, int channels, int spatial, int size, double alpha, double k) where T : IFloatingPointIeee754<T> =>
        k + alpha / size * LrnWindow(c, channels, size).Sum(j => D(x[At(s, j, i, channels, spatial)]) * D(x[At(s, j, i, channels, spatial)]));

    public static T[] LrnForward<T>(T[] x, int n, int channels, int spatial, int size, double alpha, double beta, double k) where T : IFloatingPointIeee754<T>
    {
        var y = new double[x.Length];
        for (int s = 0; s < n; s++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < spatial; i++)
                    y[At(s, c, i, channels, spatial)] = D(x[At(s, c, i, channels, spatial)]) / Math.Pow(LrnDenominator(x, s, c, i, channels, spatial, size, alpha, k), beta);
        return Back<T>(y);
    }

    /// <summary>dx_j = Σ_c dy_c ∂y_c/∂x_j, the Jacobian entries taken straight from the definition of y_c.</summary>
    public static T[] LrnBackward<T>(T[] dy, T[] x, int n, int channels, int spatial, int size, double alpha, double beta, double k) where T : IFloatingPointIeee754<T>
    {
        var dx = new double[x.Length];
        for (int s = 0; s < n; s++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < spatial; i++)
                {
                    int at = At(s, c, i, channels, spatial);
                    double d = LrnDenominator(x, s, c, i, channels, spatial, size, alpha, k), g = D(dy[at]);
                    dx[at] += g * Math.Pow(d, -beta);
                    foreach (int j in LrnWindow(c, channels, size))
                        dx[At(s, j, i, channels, spatial)] += g * D(x[at]) * -beta * Math.Pow(d, -beta - 1) * alpha / size * 2 * D(x[At(s, j, i, channels, spatial)]);
                }
        return Back<T>(dx);
    }

    /// <summary>Element-wise a + b: what an accumulating gradient should hold after adding b to a.</summary>
    public static T[] Add<T>(T[] a, T[] b) where T : IFloatingPointIeee754<T> => a.Zip(b, (u, v) => u + v).ToArray();

    public static T[] Map<T>(T[] x, Func<double, double> f) where T : IFloatingPointIeee754<T> => x.Select(v => T.CreateTruncating(f(D(v)))).ToArray();

    public static T[] Map<T>(T[] a, T[] b, Func<double, double, double> f) where T : IFloatingPointIeee754<T> =>
        a.Zip(b, (u, v) => T.CreateTruncating(f(D(u), D(v)))).ToArray();

    public static double Relu(double x) => x > 0 ? x : 0;
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Softmax and cross-entropy by their definitions, shifted by the row max only to stay finite.</summary>
    public static (T[] Probs, T[] Losses) SoftmaxCrossEntropy<T>(T[] logits, int[] labels, int n, int classes) where T : IFloatingPointIeee754<T>
    {
        var probs = new double[n * classes];
        var losses = new double[n];
        for (int s = 0; s < n; s++)
        {
            var z = logits.Skip(s * classes).Take(classes).Select(D).ToArray();
            double max = z.Max();
            double sum = z.Sum(v => Math.Exp(v - max));
            for (int c = 0; c < classes; c++) probs[s * classes + c] = Math.Exp(z[c] - max) / sum;
            losses[s] = Math.Log(sum) + max - z[labels[s]];
        }
        return (Back<T>(probs), Back<T>(losses));
    }
}
