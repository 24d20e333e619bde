using System.Text.RegularExpressions;
using NetDsl.Networks;
using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Tests.Networks;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// Layers whose kernel bodies differ only in their numbers share one kernel and pass those numbers in their launch
/// (NetDslArgs.values). That the shared kernels compute what per-layer ones did is proven by the emulated steps of
/// <see cref="GeneratedCudaTests"/>; here, the plan around them.
/// </summary>
public class SharedKernelTests
{
    static CudaProgram Program(string zooName) => ((IGpuNetwork)Zoo.Create(zooName)).GpuProgram;

    static IEnumerable<CudaLaunch> Launches(CudaProgram program) => program.Forward.Concat(program.Backward);

    static string[] Defined(CudaProgram program) =>
        Regex.Matches(program.Source, @"__global__ void (?:__launch_bounds__\([^)]*\) )?(\w+)\(NetDslArgs a\)").Select(m => m.Groups[1].Value).ToArray();

    [Fact]
    public void ResNet_layers_share_a_few_kernels_however_deep_the_network()
    {
        var resnet50 = Program("resnet50");
        var resnet152 = Program("resnet152");

        Assert.Equal(21, Defined(resnet50).Length);
        Assert.Equal(Defined(resnet50), Defined(resnet152));
        Assert.True(Launches(resnet152).Count() > 1600);
    }

    [Theory]
    [InlineData("resnet50")]
    [InlineData("googlenet")]
    [InlineData("vgg16bn")]
    public void Every_launch_names_a_kernel_defined_once_and_its_own_layer(string name)
    {
        var program = Program(name);
        var defined = Defined(program);
        Assert.Equal(defined.Length, defined.Distinct().Count());
        foreach (var launch in Launches(program))
        {
            Assert.Contains(launch.Kernel, defined);
            Assert.InRange(launch.Values.Count, 0, LaunchValues.Capacity);
        }
        var layers = Launches(program).Select(l => l.Layer).ToList();
        Assert.Equal(layers.Count, layers.Distinct().Count());
    }

    [Fact]
    public void Shared_launches_differ_in_their_values_and_the_kernel_narrates_every_layer()
    {
        var program = Program("resnet50");
        var relus = program.Forward.Where(l => l.Kernel == "activation_forward_0").ToList();

        Assert.True(relus.Count > 10);
        Assert.Equal(relus.Count, relus.Select(l => string.Join(",", l.Values)).Distinct().Count());
        string narration = program.Source[..program.Source.IndexOf("activation_forward_0(NetDslArgs a)", StringComparison.Ordinal)];
        Assert.Contains("// layer4.2.Out.1 Relu", narration);
    }

    [Fact]
    public void Values_are_the_numbers_the_layer_would_have_written_in_place()
    {
        var launch = Assert.Single(GraphNet.CudaProgram.Forward, l => l.Kernel.StartsWith("softmax_cross_entropy_forward", StringComparison.Ordinal));
        var body = Regex.Match(GraphNet.CudaProgram.Source, $@"{launch.Kernel}\(NetDslArgs a\)\s*\{{\s*(.*?)\s*\}}", RegexOptions.Singleline).Groups[1].Value;

        Assert.Equal("netdsl::softmax_cross_entropy_forward<5>(SLOT(a.values[0]), a.losses, SLOT(a.values[1]), a.labels, a.n);", body);
        Assert.Equal(2, launch.Values.Count);
    }
}
