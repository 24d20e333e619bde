using NetDsl.Testing;
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

    private static void AssertClose(string name, float[] expected, double[] actual, double tolerance) =>
        NumericAssert.CloseToLargest(expected, actual, tolerance, name, "PyTorch", "NetDsl", minimumScale: 1e-12);
}
