using System.Numerics;
using NetDsl.Runtime.Cpu;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Obviously-correct kernels: direct loops straight from the definitions, accumulating in double.
/// Shapes and semantics as in PyTorch (see the kernel files); they allocate their results.
/// </summary>
internal static class Reference
{
    static double D<T>(T v) where T : IFloatingPointIeee754<T> => double.CreateTruncating(v);
    static T[] Back<T>(double[] v) where T : IFloatingPointIeee754<T> => v.Select(T.CreateTruncating).ToArray();

    /// <summary>x at (sample, channel, row, col), or 0 in the zero padding.</summary>
    static double Pixel<T>(T[] x, int s, int c, int row, int col, int channels, int h, int w) where T : IFloatingPointIeee754<T> =>
        row < 0 || row >= h || col < 0 || col >= w ? 0 : D(x[((s * channels + c) * h + row) * w + col]);

    public static T[] ConvForward<T>(T[] x, T[] w, T[] b, int n, ConvGeometry g) where T : IFloatingPointIeee754<T>
    {
        int ho = g.OutHeight, wo = g.OutWidth, k = g.Kernel;
        var y = new double[n * g.OutSize];
        for (int s = 0; s < n; s++)
            for (int co = 0; co < g.OutChannels; co++)
                for (int oh = 0; oh < ho; oh++)
                    for (int ow = 0; ow < wo; ow++)
                    {
                        double sum = D(b[co]);
                        for (int ci = 0; ci < g.InChannels; ci++)
                            for (int kh = 0; kh < k; kh++)
                                for (int kw = 0; kw < k; kw++)
                                    sum += D(w[((co * g.InChannels + ci) * k + kh) * k + kw]) *
                                        Pixel(x, s, ci, oh * g.Stride + kh - g.Padding, ow * g.Stride + kw - g.Padding, g.InChannels, g.Height, g.Width);
                        y[((s * g.OutChannels + co) * ho + oh) * wo + ow] = sum;
                    }
        return Back<T>(y);
    }

    /// <summary>Gradients of L = Σ y·dy: each (output, tap) pair adds its product rule terms.</summary>
    public static (T[] Dx, T[] Dw, T[] Db) ConvBackward<T>(T[] dy, T[] x, T[] w, int n, ConvGeometry g) where T : IFloatingPointIeee754<T>
    {
        int ho = g.OutHeight, wo = g.OutWidth, k = g.Kernel;
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
                        for (int ci = 0; ci < g.InChannels; ci++)
                            for (int kh = 0; kh < k; kh++)
                                for (int kw = 0; kw < k; kw++)
                                {
                                    int row = oh * g.Stride + kh - g.Padding, col = ow * g.Stride + kw - g.Padding;
                                    if (row < 0 || row >= g.Height || col < 0 || col >= g.Width) continue;
                                    int wi = ((co * g.InChannels + ci) * k + kh) * k + kw;
                                    int xi = ((s * g.InChannels + ci) * g.Height + row) * g.Width + col;
                                    dw[wi] += gy * D(x[xi]);
                                    dx[xi] += gy * D(w[wi]);
                                }
                    }
        return (Back<T>(dx), Back<T>(dw), Back<T>(db));
    }

    /// <summary>Input offset (within x) of each window element, in row-major window order.</summary>
    static IEnumerable<int> Window(int plane, int oh, int ow, PoolGeometry g)
    {
        for (int kh = 0; kh < g.Kernel; kh++)
            for (int kw = 0; kw < g.Kernel; kw++)
                yield return (plane * g.Height + oh * g.Stride + kh) * g.Width + ow * g.Stride + kw;
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
        foreach (var (o, plane, oh, ow) in Outputs(n, g)) y[o] = Window(plane, oh, ow, g).Sum(i => D(x[i])) / (g.Kernel * g.Kernel);
        return Back<T>(y);
    }

    public static T[] AvgPoolBackward<T>(T[] dy, int n, PoolGeometry g) where T : IFloatingPointIeee754<T>
    {
        var dx = new double[n * g.InSize];
        foreach (var (o, plane, oh, ow) in Outputs(n, g))
            foreach (int i in Window(plane, oh, ow, g))
                dx[i] += D(dy[o]) / (g.Kernel * g.Kernel);
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
