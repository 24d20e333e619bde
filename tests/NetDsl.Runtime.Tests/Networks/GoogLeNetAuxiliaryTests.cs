using NetDsl.Networks;
using NetDsl.Runtime.Checkpoints;
using NetDsl.Runtime.Training;

namespace NetDsl.Runtime.Tests.Networks;

/// <summary>
/// GoogLeNet's auxiliary classifiers: torchvision's aux1 and aux2 tensors, branching where torchvision branches; in a
/// training step their losses are added with weight 0.3 and their gradients reach the trunk's layers up to where they
/// branch off, and evaluation leaves them out. One 224×224 image at a time, in float (about 3 s on two cores for the step test).
/// </summary>
public class GoogLeNetAuxiliaryTests
{
    private const int Label = 3;
    private const double AuxiliaryWeight = 0.3;
    private static readonly string[] AuxiliaryStages = ["Aux1", "Aux2"];

    [Theory]
    [InlineData("Aux1", "aux1.", "Inception4a", 512)]
    [InlineData("Aux2", "aux2.", "Inception4bToD", 528)]
    public void Each_auxiliary_head_is_torchvisions_and_reads_its_inception_module(string stage, string prefix, string reads, int channels)
    {
        var d = new GoogLeNet().Description;
        var torchvision = TorchvisionFixture.Load("googlenet").Expected.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal));

        Assert.Equal(torchvision.Select(e => e.Name).Order(StringComparer.Ordinal), d.ParametersOf(stage).Select(p => p.Name).Order(StringComparer.Ordinal));
        var head = Assert.Single(d.Heads, h => h.Stage == stage);
        Assert.Equal((Head.SoftmaxCrossEntropy, AuxiliaryWeight, true), (head.Loss, head.Weight, head.TrainingOnly));
        var branch = d.Stages.Single(s => s.Name == stage);
        Assert.Equal(new Shape(channels, 14, 14), d.Stages.Single(s => s.Name == reads).Output);
        Assert.Equal(new Shape(channels, 14, 14), d.Layers[branch.FirstLayer].Input);
        Assert.Equal(new Shape(channels, 4, 4), d.Layers[branch.FirstLayer].Output);   // torchvision's adaptive pool to 4×4
    }

    /// <summary>
    /// Step A zeroes both heads' fc2 weights, so each auxiliary output is its fc2 bias: the losses are known, and nothing
    /// flows back from the heads into the trunk. Step B restores the weights: the gradients of the trunk's layers up to
    /// inception4d (where aux2 branches off) then change, and those after it stay bit for bit the same. Evaluation drops the auxiliary losses.
    /// </summary>
    [Fact]
    public void A_training_step_adds_both_auxiliary_heads_and_evaluation_leaves_them_out()
    {
        var net = new GoogLeNet();
        var d = net.Description;
        var initialized = new float[d.ParameterCount];
        net.InitializeParameters<float>(initialized, seed: 5);

        var known = (float[])initialized.Clone();
        var bias1 = Tensor(d, known, "aux1.fc2.bias");
        var bias2 = Tensor(d, known, "aux2.fc2.bias");
        for (int k = 0; k < bias1.Length; k++) (bias1[k], bias2[k]) = (0.5f * (k % 7), -0.25f * (k % 5));
        Tensor(d, known, "aux1.fc2.weight").Clear();
        Tensor(d, known, "aux2.fc2.weight").Clear();
        var a = Step(net, known, training: true);

        double expected = CrossEntropy(a.Logits) + AuxiliaryWeight * (CrossEntropy(bias1) + CrossEntropy(bias2));
        Assert.True(Math.Abs(a.Loss - expected) <= 1e-5 * expected,
            $"training loss {a.Loss:G9}, expected main + 0.3·(aux1 + aux2) = {expected:G9} (main alone {CrossEntropy(a.Logits):G9})");
        AssertSoftmaxGradient(Tensor(d, a.Gradients, "aux1.fc2.bias"), bias1, "aux1.fc2.bias");
        AssertSoftmaxGradient(Tensor(d, a.Gradients, "aux2.fc2.bias"), bias2, "aux2.fc2.bias");
        Assert.All(new[] { "aux1.fc1.weight", "aux1.conv.conv.weight", "aux2.fc1.weight", "aux2.conv.conv.weight" },
            name => Assert.True(MaxAbs(Tensor(d, a.Gradients, name)) == 0, $"{name}: gradient behind a zero fc2 weight"));

        var b = Step(net, initialized, training: true);
        Assert.Equal(a.Logits, b.Logits);   // the heads do not touch the main path
        foreach (var p in AuxiliaryStages.SelectMany(d.ParametersOf).Where(p => p.Trainable))
            Assert.True(MaxAbs(b.Gradients.AsSpan(p.Offset, p.Length)) > 0, $"{p.Name}: no gradient in training");
        foreach (var stage in new[] { "Stem", "Inception3", "Inception4a", "Inception4bToD" })
            foreach (var p in d.ParametersOf(stage).Where(p => p.Trainable))
                Assert.False(a.Gradients.AsSpan(p.Offset, p.Length).SequenceEqual(b.Gradients.AsSpan(p.Offset, p.Length)),
                    $"{p.Name} ({stage}): its gradient is the same whether or not the auxiliary heads pass one back");
        foreach (var stage in new[] { "Inception4e", "Inception5", "Head" })
            foreach (var p in d.ParametersOf(stage).Where(p => p.Trainable))
                Assert.True(a.Gradients.AsSpan(p.Offset, p.Length).SequenceEqual(b.Gradients.AsSpan(p.Offset, p.Length)),
                    $"{p.Name} ({stage}): after inception4d, yet its gradient changed with the auxiliary heads");

        var evaluation = Step(net, initialized, training: false);
        Assert.True(Math.Abs(evaluation.Loss - CrossEntropy(evaluation.Logits)) <= 1e-5 * evaluation.Loss,
            $"evaluation loss {evaluation.Loss:G9}, the main head's alone {CrossEntropy(evaluation.Logits):G9}");
        Assert.True(float.IsNaN(evaluation.HeadLoss), $"evaluation computed an auxiliary loss ({evaluation.HeadLoss})");
    }

    /// <summary>
    /// torchvision's googlenet(weights=…) drops aux1 and aux2 unless aux_logits=True, so its state_dict, saved as
    /// safetensors, lacks them: it loads for evaluation with <see cref="MissingAuxiliaryHeads.Keep"/>, and only then.
    /// </summary>
    [Fact]
    public void A_torchvision_checkpoint_saved_without_the_auxiliary_heads_loads_when_they_may_be_kept()
    {
        using var dir = new TempDirectory();
        var d = new GoogLeNet().Description;
        var mainOnly = TorchvisionFixture.Load("googlenet").Expected.Where(e => !e.Name.StartsWith("aux", StringComparison.Ordinal)).ToList();
        string path = dir.File("googlenet.safetensors");
        SafeTensors.Write(path, mainOnly.Select(e =>
        {
            var values = new float[e.Shape.Aggregate(1, (a, n) => a * n)];
            DeterministicWeights.Generate<float>(e.Name, e.Shape, values);
            return new TensorEntry(e.Name, e.Shape, values);
        }));
        var parameters = new float[d.ParameterCount];

        var error = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.LoadParameters(path, d, parameters));
        Assert.Contains("'aux1.conv.conv.weight' is missing", error.Message);
        Assert.Contains("auxiliary heads Aux1, Aux2", error.Message);

        Array.Fill(parameters, -1f);
        TrainingCheckpoint.LoadParameters(path, d, parameters, MissingAuxiliaryHeads.Keep);
        var expected = new float[d.ParameterCount];
        DeterministicWeights.Fill<float>(d, expected);
        var auxiliary = AuxiliaryStages.SelectMany(d.ParametersOf).Select(p => p.Name).ToHashSet();
        Assert.Equal(d.Parameters.Count - auxiliary.Count, mainOnly.Count);
        foreach (var p in d.Parameters)
        {
            var loaded = parameters.AsSpan(p.Offset, p.Length);
            Assert.True(auxiliary.Contains(p.Name) ? loaded.IndexOfAnyExcept(-1f) < 0 : loaded.SequenceEqual(expected.AsSpan(p.Offset, p.Length)),
                $"{p.Name}: {(auxiliary.Contains(p.Name) ? "not in the file, yet changed" : "differs from the file")}");
        }
    }

    private sealed record StepResult(double Loss, float HeadLoss, float[] Logits, float[] Gradients);

    /// <summary>One image, one worker, a fixed dropout seed, on a copy of the parameters (training moves running statistics).</summary>
    private static StepResult Step(GoogLeNet net, float[] parameters, bool training)
    {
        var p = (float[])parameters.Clone();
        using var ws = new Workspace<float>(net.Layout, p.Length, capacity: 1)
        {
            BatchSize = 1, Training = training, HasLabels = true, StepSeed = 11,
        };
        DeterministicWeights.FillInput<float>(ws.Input(0, 1));
        ws.Labels[0] = Label;
        ws.HeadLosses[0] = float.NaN;
        ws.ClearParameterGradients();
        ws.Run(1, (w, n0, n1) =>
        {
            net.Forward<float>(p, ws, w, n0, n1);
            if (training) net.Backward<float>(p, ws, w, n0, n1);
        });
        return new(ws.Losses[0], ws.HeadLosses[0], ws.Logits(0, 1).ToArray(), (float[])ws.ReduceParameterGradients().Clone());
    }

    /// <summary>An auxiliary head's output bias gets 0.3 · (softmax − one-hot) for one image.</summary>
    private static void AssertSoftmaxGradient(ReadOnlySpan<float> gradient, ReadOnlySpan<float> logits, string name)
    {
        var softmax = Softmax(logits);
        for (int k = 0; k < softmax.Length; k++)
        {
            double expected = AuxiliaryWeight * (softmax[k] - (k == Label ? 1 : 0));
            Assert.True(Math.Abs(gradient[k] - expected) <= 1e-6, $"{name}[{k}]: gradient {gradient[k]:G9}, expected 0.3·(softmax − one-hot) = {expected:G9}");
        }
    }

    private static double CrossEntropy(ReadOnlySpan<float> logits) => -Math.Log(Softmax(logits)[Label]);

    private static double[] Softmax(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (float v in logits) max = Math.Max(max, v);
        var e = new double[logits.Length];
        for (int k = 0; k < e.Length; k++) sum += e[k] = Math.Exp(logits[k] - max);
        for (int k = 0; k < e.Length; k++) e[k] /= sum;
        return e;
    }

    private static double MaxAbs(ReadOnlySpan<float> values)
    {
        double max = 0;
        foreach (float v in values) max = Math.Max(max, Math.Abs(v));
        return max;
    }

    private static Span<float> Tensor(NetworkDescription d, float[] buffer, string name)
    {
        var p = d.Parameters.Single(p => p.Name == name);
        return buffer.AsSpan(p.Offset, p.Length);
    }
}
