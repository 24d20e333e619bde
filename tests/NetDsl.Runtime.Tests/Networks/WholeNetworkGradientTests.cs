using NetDsl.Testing;
using NetDsl.Networks;

namespace NetDsl.Runtime.Tests.Networks;

/// <summary>
/// The generated forward/backward of whole networks, instantiated in double precision, against central finite
/// differences of the batch-mean loss, for every parameter.
/// </summary>
public class WholeNetworkGradientTests
{
    /// <summary>
    /// The emulated networks but two: ImageNetForms is too large, and in FusedPoolsNoActivation C.0's bias feeds a
    /// BatchNorm, which cancels it: its true gradient is zero, and the relative measure would only magnify round-off.
    /// </summary>
    public static TheoryData<string> Networks => new(Emulated.Keys.Where(name => name is not ("ImageNetForms" or "FusedPoolsNoActivation")));

    private static IReadOnlyDictionary<string, (Func<ICpuNetwork> Create, CudaProgram Program)> Emulated => CudaEmulation.EmulatedNetworks.ByName;

    private static ICpuNetwork Create(string name) => Emulated[name].Create();

    [Theory]
    [MemberData(nameof(Networks))]
    public void Backward_matches_central_differences_in_double(string name)
    {
        var net = Create(name);
        // Three samples on two workers: BatchNorm's statistics and sums cross the worker boundary.
        var batch = NetworkHarness<double>.Random(net, batch: 3, seed: 7, workers: 2);
        var analytic = batch.Gradients();

        // LeNet-5 has 61,706 parameters: check a deterministic sample of them; the small nets are checked in full.
        int count = net.Description.ParameterCount;
        var indices = count <= 2000 ? Enumerable.Range(0, count) : Enumerable.Range(0, 400).Select(i => (int)((long)i * 7919 % count));
        const double h = 1e-6;
        double worst = 0;
        int worstIndex = -1;
        foreach (int i in indices)
        {
            double saved = batch.Parameters[i];
            batch.Parameters[i] = saved + h;
            double plus = batch.Loss();
            batch.Parameters[i] = saved - h;
            double minus = batch.Loss();
            batch.Parameters[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            double error = Math.Abs(numeric - analytic[i]) / Math.Max(1e-7, Math.Abs(numeric) + Math.Abs(analytic[i]));
            if (error > worst) (worst, worstIndex) = (error, i);
        }
        Assert.True(worst < 1e-5, $"{name}: worst relative error {worst:E2} at parameter {worstIndex} ({ParameterName(net, worstIndex)})");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Float_and_double_instantiations_agree(string name)
    {
        var net = Create(name);
        var d = NetworkHarness<double>.Random(net, batch: 4, seed: 3);
        var f = NetworkHarness<float>.From(net, d);

        Assert.Equal(d.Loss(), f.Loss(), 1e-4);
        var gd = d.Gradients();
        var gf = f.Gradients();
        NumericAssert.CloseToLargest(gd, gf, 1e-3, $"{name} gradients", "double", "float");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Splitting_the_batch_across_workers_changes_nothing(string name)
    {
        var net = Create(name);
        var whole = NetworkHarness<double>.Random(net, batch: 5, seed: 11);
        var split = NetworkHarness<double>.Random(net, batch: 5, seed: 11, workers: 2);

        Assert.Equal(whole.Loss(), split.Loss(), 12);
        var a = whole.Gradients();
        var b = split.Gradients();
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 12);
    }

    private static string ParameterName(ICpuNetwork net, int index) =>
        net.Description.Parameters.First(p => index >= p.Offset && index < p.Offset + p.Length).Name;
}
