using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

/// <summary>ptxas' verbose report as NVRTC 12.4 and 11.8 print it (fixtures/ptxas, from make_ptxas_fixtures.py).</summary>
public class PtxasReportTests
{
    static IReadOnlyList<PtxasFunction> Parse(string fixture) =>
        PtxasReport.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "ptxas", fixture)));

    [Theory]
    [InlineData("probe-12.4-sm_90.log", 1600, 2272, 2296)]
    [InlineData("probe-12.4-sm_80.log", 1632, 2288, 2312)]
    [InlineData("probe-11.8-sm_90.log", 1680, 2304, 2324)]
    [InlineData("probe-11.8-sm_80.log", 1632, 2288, 2312)]
    public void Kernels_and_device_functions_have_their_own_figures(string fixture, int sharedKernelStack, int gatherStores, int gatherLoads)
    {
        var functions = Parse(fixture);

        Assert.Equal(
            [
                new PtxasFunction("probe_register_pressure", true, 24, 272, 292, 296, 0),
                new PtxasFunction("probe_static_shared", true, 24, sharedKernelStack, 0, 0, 4096),
                new PtxasFunction("probe_plain", true, 10, 0, 0, 0, 0),
                new PtxasFunction("_Z12probe_gatherPKfi", false, 0, 0, gatherStores, gatherLoads, 0),
            ],
            functions);
    }

    [Fact]
    public void A_spilling_tensor_core_kernel_from_nvrtc_12_4_for_sm_90()
    {
        var functions = Parse("resnet20-12.4-sm_90.log");

        Assert.Equal(["layer2_0_conv1_backward", "layer2_0_conv1_weight_partials", "conv1_forward", "netdsl_sgd_step"], functions.Select(f => f.Name));
        Assert.All(functions, f => Assert.True(f.IsKernel));
        Assert.Equal(new PtxasFunction("layer2_0_conv1_backward", true, 255, 40, 40, 40, 0), functions[0]);
        Assert.Equal(0, functions[1].SpillBytes);
        Assert.Equal(27, functions[2].Registers);
    }

    [Fact]
    public void Register_lines_with_constant_banks_from_nvrtc_11_8_for_sm_80()
    {
        var functions = Parse("resnet20-11.8-sm_80.log");

        Assert.Equal(new PtxasFunction("layer2_0_conv1_weight_partials", true, 255, 32, 28, 28, 0), functions[1]);
        Assert.Equal(80, functions[0].SpillBytes);
        Assert.Equal(32, functions[3].Registers);
    }

    [Fact]
    public void Windows_line_endings_read_the_same()
    {
        string log = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "ptxas", "probe-11.8-sm_80.log"));

        Assert.Equal(PtxasReport.Parse(log), PtxasReport.Parse(log.Replace("\n", "\r\n")));
    }

    [Fact]
    public void A_log_without_a_report_has_no_functions() => Assert.Empty(PtxasReport.Parse("warning: something unrelated\n"));
}
