using System.Numerics;
using NetDsl.Runtime.Checkpoints;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Networks;

/// <summary>
/// Whole networks ending in each loss head against PyTorch 1.13 on one training batch
/// (fixtures/make_head_networks_fixture.py): the main output, the loss evaluation reports (the main head alone), the
/// training loss (main plus weighted auxiliary heads) and every parameter gradient. The batch of 5 is split over two
/// workers, as the trainer splits it; the per-pixel heads' batch holds one entirely unlabeled sample.
/// </summary>
public class HeadNetworksPyTorchTests
{
    private static readonly SafeTensorsFile Fixture =
        SafeTensorsReader.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", "head_networks_pytorch.safetensors"));

    private static readonly Dictionary<string, Func<ICpuNetwork>> Networks = new()
    {
        ["PixelHead"] = () => new PixelHead(),
        ["PixelAuxiliaryHead"] = () => new PixelAuxiliaryHead(),
        ["SquaredErrorHead"] = () => new SquaredErrorHead(),
        ["AbsoluteErrorHead"] = () => new AbsoluteErrorHead(),
        ["MultiLabelHead"] = () => new MultiLabelHead(),
        ["AuxiliaryHeadsWithoutDropout"] = () => new AuxiliaryHeadsWithoutDropout(),
    };

    /// <summary>As LeNet5PyTorchTests: references are float64 stored as float32; float sums drift by ~1e-6 relative.</summary>
    public static TheoryData<string, Type, double> Cases()
    {
        var cases = new TheoryData<string, Type, double>();
        foreach (string name in Networks.Keys)
        {
            cases.Add(name, typeof(double), 1e-5);
            cases.Add(name, typeof(float), 1e-3);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_step_matches_pytorch(string name, Type precision, double tolerance)
    {
        var net = Networks[name]();
        var step = precision == typeof(double) ? Step<double>(net, name) : Step<float>(net, name);

        AssertClose($"{name} output", Fixture[name + "/output"].Data, step.Output, tolerance);
        Assert.Equal(Fixture[name + "/main_loss"].Data[0], step.EvaluationLoss, tolerance);
        Assert.Equal(Fixture[name + "/loss"].Data[0], step.TrainingLoss, tolerance);
        foreach (var p in net.Description.Parameters)
            AssertClose($"{name} {p.Name} gradient", Fixture[$"{name}/grad.{p.Name}"].Data, step.Gradients.AsSpan(p.Offset, p.Length).ToArray(), tolerance);
    }

    /// <summary>
    /// AuxiliaryHeads itself: its Dropout(0.5) sits in Aux1, so PyTorch's step without it must still hold for the main
    /// output, the evaluation loss, and the gradients of every parameter Aux1 does not reach (C2, Logits, Aux2); and
    /// must not hold for Aux1's own gradient, or the dropout was not applied in training.
    /// </summary>
    [Fact]
    public void Auxiliary_dropout_changes_only_its_own_branch()
    {
        const string Reference = "AuxiliaryHeadsWithoutDropout";
        const double Tolerance = 1e-5;
        var net = new AuxiliaryHeads();
        var step = Step<double>(net, Reference);

        AssertClose("main output", Fixture[Reference + "/output"].Data, step.Output, Tolerance);
        Assert.Equal(Fixture[Reference + "/main_loss"].Data[0], step.EvaluationLoss, Tolerance);
        double[] Gradient(string parameter)
        {
            var p = net.Description.Parameters.Single(p => p.Name == parameter);
            return step.Gradients.AsSpan(p.Offset, p.Length).ToArray();
        }
        foreach (var p in net.Description.Parameters.Where(p => !p.Name.StartsWith("Aux1.", StringComparison.Ordinal) && !p.Name.StartsWith("C1.", StringComparison.Ordinal)))
            AssertClose($"{p.Name} gradient", Fixture[$"{Reference}/grad.{p.Name}"].Data, Gradient(p.Name), Tolerance);

        var expected = Fixture[Reference + "/grad.Aux1.4.weight"].Data;
        var actual = Gradient("Aux1.4.weight");
        double largest = expected.Max(v => Math.Abs((double)v));
        Assert.True(expected.Zip(actual).Max(e => Math.Abs(e.First - e.Second)) > 0.1 * largest,
            "Aux1's gradient matches the step without dropout: was Dropout(0.5) applied in training?");
    }

    private sealed record StepResult(double[] Output, double EvaluationLoss, double TrainingLoss, double[] Gradients);

    /// <summary>One training forward and backward on the fixture's batch, then the evaluation loss (auxiliary heads skipped).</summary>
    private static StepResult Step<T>(ICpuNetwork net, string fixture) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var description = net.Description;
        var parameters = new float[description.ParameterCount];
        foreach (var p in description.Parameters)
        {
            var tensor = Fixture[$"{fixture}/{p.Name}"];
            Assert.True(tensor.Shape.SequenceEqual(p.Dims), $"{fixture}/{p.Name} has shape [{string.Join(", ", tensor.Shape)}], {description.Name} expects [{string.Join(", ", p.Dims)}]");
            tensor.Data.CopyTo(parameters, p.Offset);
        }
        var targets = Fixture[fixture + "/targets"].Data;
        bool values = description.Targets.Kind == TargetKind.Values;
        int[] labels = values ? [] : targets.Select(t => (int)t).ToArray();
        if (description.Targets.Kind == TargetKind.ClassMap) Assert.Contains(description.Targets.IgnoreLabel, labels);

        var h = NetworkHarness<T>.Of(net, parameters, Fixture[fixture + "/input"].Data, labels, values ? targets : [], workers: 2);
        var gradients = h.Gradients();
        var output = h.Logits();
        double trainingLoss = h.Loss();
        h.Workspace.Training = false;
        return new StepResult(output, h.Loss(), trainingLoss, gradients);
    }

    private static void AssertClose(string name, float[] expected, double[] actual, double tolerance) =>
        NumericAssert.CloseToLargest(expected, actual, tolerance, name, "PyTorch", "NetDsl", minimumScale: 1e-12);
}
