using System.Numerics;
using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// ConvTranspose2d against PyTorch 1.13's nn.ConvTranspose2d (fixtures/make_convtranspose2d_fixture.py): y, and dx, dw,
/// db for a fixed dy, over strides 1–3, paddings, output paddings, with and without bias, batches 1–3.
/// </summary>
public sealed class ConvTranspose2dPyTorchTests
{
    private const string File = "convtranspose2d_pytorch.safetensors";
    private static readonly PyTorchLayerFixture Fixture = new(File);

    public static TheoryData<string> Configs => PyTorchLayerFixture.Configs(File);

    /// <summary>
    /// The references are float64 results stored as float32 (rounding 6e-8 of each value). In double the kernels add
    /// only their own rounding (~1e-16), so 1e-6 of the largest value is loose yet far below an indexing mistake
    /// (whole terms, order 1). In float, sums of up to a few dozen float products drift by some 1e-7 of their terms.
    /// </summary>
    [Theory, MemberData(nameof(Configs))]
    public void Forward_and_gradients_match_pytorch_in_double(string config) => Matches<double>(config, 1e-6);

    [Theory, MemberData(nameof(Configs))]
    public void Forward_and_gradients_match_pytorch_in_float(string config) => Matches<float>(config, 1e-5);

    private static void Matches<T>(string config, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var hp = Fixture.Hyperparameters(config);
        var xs = Fixture[config, "x"].Shape;
        var ws = Fixture[config, "w"].Shape;
        int n = xs[0];
        var g = new ConvTransposeGeometry(xs[1], xs[2], xs[3], ws[1], ws[2],
            hp.GetProperty("stride").GetInt32(), hp.GetProperty("padding").GetInt32(), hp.GetProperty("output_padding").GetInt32());
        bool bias = hp.GetProperty("bias").GetBoolean();
        Assert.Equal([n, g.OutChannels, g.OutHeight, g.OutWidth], Fixture[config, "y"].Shape.ToArray());
        Assert.Equal(bias, Fixture.Has(config, "b"));

        T[] Read(string tensor) => TestData.Convert<T>(Fixture[config, tensor].Data.Select(v => (double)v).ToArray());
        T[] x = Read("x"), w = Read("w"), b = bias ? Read("b") : [], dy = Read("dy");
        var y = new T[n * g.OutSize];
        var dx = new T[x.Length];
        var dw = new T[w.Length];
        var db = new T[b.Length];
        var scratch = new T[g.ScratchLength];

        ConvTranspose2d.Forward<T>(y, x, w, b, scratch, n, g);
        ConvTranspose2d.Backward<T>(dx, dw, db, dy, x, w, scratch, n, g);

        AssertClose("y", y);
        AssertClose("dx", dx);
        AssertClose("dw", dw);
        if (bias) AssertClose("db", db);

        void AssertClose(string tensor, T[] actual) =>
            NumericAssert.CloseToLargest(Fixture[config, tensor].Data, actual, tolerance, $"{config} {tensor}", "PyTorch", "NetDsl");
    }
}
