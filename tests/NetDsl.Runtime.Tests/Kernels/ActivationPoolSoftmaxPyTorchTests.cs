using System.Numerics;
using NetDsl.Runtime.Checkpoints;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// The CPU kernels of the newer layers against PyTorch 1.13 (fixtures/make_activation_pool_softmax_fixture.py): y and
/// dx for a fixed dy, from the fixture's float32 x, in double and in float. The file keeps its float64 references as
/// float (SafeTensor.Data), so they are exact to about 6e-8 of their size: double is held to 1e-6 of max(1, |value|),
/// a hundredfold wrong rounding budget but far below any semantic difference (a divisor, a branch, a constant); float
/// to 1e-5, its own rounding of exp/erf and of short sums included.
/// </summary>
public sealed class ActivationPoolSoftmaxPyTorchTests
{
    static readonly Lazy<SafeTensorsFile> fixture = new(() =>
        SafeTensors.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "activation_pool_softmax_pytorch.safetensors")));

    /// <summary>A layer under test: forward (y, x), backward (dx, dy, x, y).</summary>
    delegate void Layer<T>(Span<T> y, ReadOnlySpan<T> x);
    delegate void Gradient<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ReadOnlySpan<T> y);

    static void Check<T>(string name, Layer<T> forward, Gradient<T> backward) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var file = fixture.Value;
        var x = TestData.Convert<T>(file[name + ".x"].Data.Select(v => (double)v).ToArray());
        var dy = TestData.Convert<T>(file[name + ".dy"].Data.Select(v => (double)v).ToArray());
        var y = new T[file[name + ".y"].Data.Length];
        var dx = new T[x.Length];
        forward(y, x);
        backward(dx, dy, x, y);

        double tolerance = typeof(T) == typeof(double) ? 1e-6 : 1e-5;
        NumericAssert.Close(file[name + ".y"].Data.Select(T.CreateTruncating).ToArray(), y, tolerance, name + " y");
        NumericAssert.Close(file[name + ".dx"].Data.Select(T.CreateTruncating).ToArray(), dx, tolerance, name + " dx");
    }

    [Theory]
    [InlineData("0.01")]
    [InlineData("0.2")]
    public void Leaky_relu_matches(string slope)
    {
        CheckLeakyRelu<double>(slope);
        CheckLeakyRelu<float>(slope);
    }

    static void CheckLeakyRelu<T>(string slope) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = T.Parse(slope, System.Globalization.CultureInfo.InvariantCulture);
        Check<T>($"leaky_relu_{slope}", (y, x) => Activations.LeakyReluForward(y, x, s), (dx, dy, x, y) => Activations.LeakyReluBackward(dx, dy, y, s));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("0.5")]
    public void Elu_matches(string alpha)
    {
        CheckElu<double>(alpha);
        CheckElu<float>(alpha);
    }

    static void CheckElu<T>(string alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = T.Parse(alpha, System.Globalization.CultureInfo.InvariantCulture);
        Check<T>($"elu_{alpha}", (y, x) => Activations.EluForward(y, x, a), (dx, dy, x, y) => Activations.EluBackward(dx, dy, y, a));
    }

    [Fact]
    public void Gelu_matches()
    {
        Check<double>("gelu", Activations.GeluForward, (dx, dy, x, y) => Activations.GeluBackward(dx, dy, x));
        Check<float>("gelu", Activations.GeluForward, (dx, dy, x, y) => Activations.GeluBackward(dx, dy, x));
    }

    [Theory]
    [InlineData(2, 3, 7, 9, 3, 2, 1, true)]
    [InlineData(2, 2, 6, 6, 3, 2, 1, false)]
    [InlineData(1, 1, 6, 6, 3, 2, 1, true)]
    [InlineData(2, 2, 8, 8, 2, 2, 1, false)]
    [InlineData(1, 1, 9, 8, 5, 2, 2, true)]
    [InlineData(1, 2, 5, 5, 3, 3, 1, true)]
    [InlineData(1, 2, 10, 11, 3, 2, 0, true)]
    public void Avg_pool_without_counting_padding_matches(int n, int c, int h, int w, int k, int s, int p, bool ceil)
    {
        var g = new PoolGeometry(c, h, w, k, s, p, ceil, CountIncludePad: false);
        string name = $"avg_pool_exclude_pad_{n}x{c}x{h}x{w}_k{k}_s{s}_p{p}_{(ceil ? "ceil" : "floor")}";
        Check<double>(name, (y, x) => Pool2d.AvgForward(y, x, n, g), (dx, dy, x, y) => Pool2d.AvgBackward(dx, dy, x, n, g));
        Check<float>(name, (y, x) => Pool2d.AvgForward(y, x, n, g), (dx, dy, x, y) => Pool2d.AvgBackward(dx, dy, x, n, g));
    }

    [Theory]
    [InlineData("4x10", 1)]
    [InlineData("3x7", 30)]
    [InlineData("2x5x3x4", 1)]
    [InlineData("2x1x2x3", 1)]
    [InlineData("1x6x5x5", 30)]
    public void Softmax_over_channels_matches(string shape, int scale)
    {
        int[] sizes = shape.Split('x').Select(int.Parse).ToArray();
        int n = sizes[0], channels = sizes[1], spatial = sizes.Skip(2).Aggregate(1, (a, b) => a * b);
        string name = $"softmax_{shape}_scale{scale}";
        Check<double>(name, (y, x) => Softmax.Forward(y, x, n, channels, spatial), (dx, dy, x, y) => Softmax.Backward(dx, dy, y, n, channels, spatial));
        Check<float>(name, (y, x) => Softmax.Forward(y, x, n, channels, spatial), (dx, dy, x, y) => Softmax.Backward(dx, dy, y, n, channels, spatial));
    }
}
