using NetDsl.Networks;
using NetDsl.Runtime.Checkpoints;
using NetDsl.Runtime.Training;

namespace NetDsl.Runtime.Tests.Networks;

/// <summary>
/// LeNet-5's generated code against PyTorch 1.13 on one batch (fixtures/make_lenet5_fixture.py): logits, mean loss
/// and every parameter gradient. The parameters load straight from the PyTorch state_dict names.
/// </summary>
public class LeNet5PyTorchTests
{
    private static readonly string FixturePath = Path.Combine(AppContext.BaseDirectory, "fixtures", "lenet5_pytorch.safetensors");

    private static (SafeTensorsFile File, float[] Parameters, float[] Input, int[] Labels) Fixture()
    {
        var net = new LeNet5();
        var parameters = new float[net.Description.ParameterCount];
        var file = TrainingCheckpoint.LoadParameters(FixturePath, net.Description, parameters);
        return (file, parameters, file["input"].Data, file["labels"].Data.Select(l => (int)l).ToArray());
    }

    [Theory]
    [InlineData(typeof(double), 1e-5)]
    [InlineData(typeof(float), 1e-3)]
    public void Forward_and_gradients_match_pytorch(Type precision, double tolerance)
    {
        var (file, parameters, input, labels) = Fixture();
        var net = new LeNet5();
        var (loss, logits, gradients) = precision == typeof(double) ? Run<double>() : Run<float>();

        Assert.Equal(file["loss"].Data[0], loss, tolerance);
        AssertClose("logits", file["logits"].Data, logits, tolerance);
        foreach (var p in net.Description.Parameters)
            AssertClose(p.Name, file["grad." + p.Name].Data, gradients.AsSpan(p.Offset, p.Length).ToArray(), tolerance);

        (double, double[], double[]) Run<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var h = NetworkHarness<T>.Of(net, parameters, input, labels, workers: 2);
            var g = h.Gradients();
            return (h.Loss(), h.Logits(), g);
        }
    }

    /// <summary>Relative to the tensor's largest magnitude, so tiny entries are not judged by a relative error.</summary>
    private static void AssertClose(string name, float[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-12, expected.Max(v => Math.Abs((double)v)));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                $"{name}[{i}]: PyTorch {expected[i]:G9}, NetDsl {actual[i]:G9} (tolerance {tolerance * scale:G3})");
    }
}
