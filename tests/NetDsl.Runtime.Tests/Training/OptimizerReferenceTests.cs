using NetDsl.Runtime.Training;
using static NetDsl.Runtime.Tests.Training.OptimizerReferenceValues;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>
/// Bit-exact agreement with torch.optim on the quadratic of optimizer_reference.py: the expected values were produced by
/// PyTorch 1.13 and pasted into <see cref="OptimizerReferenceValues"/>.
/// </summary>
public class OptimizerReferenceTests
{
    private const int N = 19;

    public static TheoryData<string> Cases =>
    [
        "SgdPlain", "SgdMomentumDampeningDecay", "SgdNesterovDecay", "SgdMomentumVaryingRate",
        "AdamDefaults", "AdamBetasEpsDecay", "AdamVaryingRate", "AdamW",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var (optimizer, rates) = Make(name);
        var parameters = Initial();
        Run(optimizer, parameters, 0, Steps, rates);

        Assert.Equal(Expected(name, "Parameters")!, parameters);
        var state = optimizer.ExportState();
        Assert.Equal(Steps, state.Steps);
        foreach (var (buffer, suffix) in new[] { ("momentum_buffer", "MomentumBuffer"), ("exp_avg", "ExpAvg"), ("exp_avg_sq", "ExpAvgSq") })
        {
            var expected = Expected(name, suffix);
            if (expected is null) Assert.False(state.Buffers.ContainsKey(buffer), buffer);
            else Assert.Equal(expected, state.Buffers[buffer]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExportImportContinuesExactly(string name)
    {
        var (original, rates) = Make(name);
        var parameters = Initial();
        Run(original, parameters, 0, 3, rates);
        var saved = original.ExportState();
        var savedParameters = (float[])parameters.Clone();
        // The original keeps going and mutates its buffers; the snapshot must not see that.
        Run(original, parameters, 3, Steps, rates);

        var (resumed, _) = Make(name);
        resumed.ImportState(saved);
        Run(resumed, savedParameters, 3, Steps, rates);

        Assert.Equal(parameters, savedParameters);
        Assert.Equal(Expected(name, "Parameters")!, savedParameters);
    }

    [Fact]
    public void PaddedTailMatchesFullVectors()
    {
        // Element i of a long buffer and of a short one (all tail) must see the same arithmetic.
        var longParameters = Initial();
        var shortParameters = Initial().AsSpan(0, 3).ToArray();
        var adamLong = new Adam(0.01);
        var adamShort = new Adam(0.01);
        Run(adamLong, longParameters, 0, Steps, null);
        Run(adamShort, shortParameters, 0, Steps, null);
        Assert.Equal(longParameters.AsSpan(0, 3).ToArray(), shortParameters);
    }

    [Fact]
    public void ImportRejectsAnotherOptimizersState()
    {
        var adam = new Adam();
        var parameters = Initial();
        Run(adam, parameters, 0, 1, null);
        var error = Assert.Throws<ArgumentException>(() => new Sgd(0.1, momentum: 0.9).ImportState(adam.ExportState()));
        Assert.Contains("adam", error.Message);
    }

    [Fact]
    public void StepRejectsStateOfAnotherSize()
    {
        var sgd = new Sgd(0.1, momentum: 0.9);
        Run(sgd, Initial(), 0, 1, null);
        var other = new Sgd(0.1, momentum: 0.9);
        other.ImportState(sgd.ExportState());
        var error = Assert.Throws<ArgumentException>(() => other.Step(new float[5], new float[5]));
        Assert.Contains("19", error.Message);
    }

    [Fact]
    public void StepRejectsMismatchedGradients() =>
        Assert.Throws<ArgumentException>(() => new Adam().Step(new float[4], new float[3]));

    [Fact]
    public void NesterovNeedsMomentumWithoutDampening()
    {
        Assert.Throws<ArgumentException>(() => new Sgd(0.1, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1, momentum: 0.9, dampening: 0.1, nesterov: true));
    }

    private static (IOptimizer Optimizer, double[]? Rates) Make(string name) => name switch
    {
        "SgdPlain" => (new Sgd(0.1), null),
        "SgdMomentumDampeningDecay" => (new Sgd(0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01), null),
        "SgdNesterovDecay" => (new Sgd(0.05, momentum: 0.9, nesterov: true, weightDecay: 0.001), null),
        "SgdMomentumVaryingRate" => (new Sgd(0.1, momentum: 0.5), VaryingRates),
        "AdamDefaults" => (new Adam(0.01), null),
        "AdamBetasEpsDecay" => (new Adam(0.003, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.02), null),
        "AdamVaryingRate" => (new Adam(0.01), VaryingRates),
        "AdamW" => (Adam.W(0.01, weightDecay: 0.1), null),
        _ => throw new ArgumentException(name),
    };

    private static float[]? Expected(string name, string suffix) =>
        (float[]?)typeof(OptimizerReferenceValues).GetField(name + suffix)?.GetValue(null);

    private static float[] Initial() => Enumerable.Range(0, N).Select(i => (float)(0.1 * (i % 11 - 5))).ToArray();

    /// <summary>Steps [from, to) on the quadratic whose gradient is p·slope + offset, computed in float like PyTorch.</summary>
    private static void Run(IOptimizer optimizer, float[] parameters, int from, int to, double[]? rates)
    {
        var gradients = new float[parameters.Length];
        for (int step = from; step < to; step++)
        {
            if (rates is not null) optimizer.LearningRate = rates[step];
            for (int i = 0; i < parameters.Length; i++)
                gradients[i] = parameters[i] * (float)(0.25 * (i % 7 - 3) + 1.0) + (float)(0.125 * (i % 5 - 2));
            optimizer.Step(parameters, gradients);
        }
    }
}
