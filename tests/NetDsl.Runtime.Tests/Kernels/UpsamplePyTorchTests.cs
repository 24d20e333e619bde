using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// Upsample against PyTorch 1.13's nn.Upsample (fixtures/make_upsample_fixture.py): y, and dx for a fixed dy, in modes
/// nearest and bilinear (align_corners=False), with equal and unequal integer factors, batches 1–3.
/// </summary>
public sealed class UpsamplePyTorchTests
{
    private const string File = "upsample_pytorch.safetensors";
    private static readonly PyTorchLayerFixture Fixture = new(File);

    public static TheoryData<string> Configs => PyTorchLayerFixture.Configs(File);

    /// <summary>
    /// The references are float64 results stored as float32 (rounding 6e-8 of each value); each output or input
    /// gradient is a weighted sum of a few to a few dozen terms, so float adds a few 1e-7 at most. A wrong tap or
    /// weight costs a whole term.
    /// </summary>
    [Theory, MemberData(nameof(Configs))]
    public void Forward_and_gradient_match_pytorch_in_double(string config) => Matches<double>(config, 1e-6);

    [Theory, MemberData(nameof(Configs))]
    public void Forward_and_gradient_match_pytorch_in_float(string config) => Matches<float>(config, 2e-6);

    private static void Matches<T>(string config, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var hp = Fixture.Hyperparameters(config);
        var xs = Fixture[config, "x"].Shape;
        int n = xs[0];
        var g = new UpsampleGeometry(xs[1], xs[2], xs[3], hp.GetProperty("scale_height").GetInt32(), hp.GetProperty("scale_width").GetInt32());
        bool bilinear = hp.GetProperty("mode").GetString() switch
        {
            "bilinear" => true,
            "nearest" => false,
            var mode => throw new InvalidOperationException($"{config}: unexpected mode {mode}"),
        };
        Assert.Equal([n, g.Channels, g.OutHeight, g.OutWidth], Fixture[config, "y"].Shape.ToArray());

        T[] Read(string tensor) => TestData.Convert<T>(Fixture[config, tensor].Data.Select(v => (double)v).ToArray());
        T[] x = Read("x"), dy = Read("dy");
        var y = new T[n * g.OutSize];
        var dx = new T[x.Length];

        if (bilinear)
        {
            Upsample.BilinearForward<T>(y, x, n, g);
            Upsample.BilinearBackward<T>(dx, dy, n, g);
        }
        else
        {
            Upsample.NearestForward<T>(y, x, n, g);
            Upsample.NearestBackward<T>(dx, dy, n, g);
        }

        NumericAssert.CloseToLargest(Fixture[config, "y"].Data, y, tolerance, $"{config} y", "PyTorch", "NetDsl");
        NumericAssert.CloseToLargest(Fixture[config, "dx"].Data, dx, tolerance, $"{config} dx", "PyTorch", "NetDsl");
    }
}
