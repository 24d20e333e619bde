using Microsoft.CodeAnalysis;

namespace NetDsl.Generator.Tests;

/// <summary>One test per diagnostic id: the id, the exact source text it points at, and the full message.</summary>
public class DiagnosticTests
{
    private static string Net(string stages, string input = "Input = new[] { 1, 28, 28 }", string header = "public partial class Net") => $$"""
        using NetDsl;
        [Network({{input}})]
        {{header}}
        {
        {{stages}}
        }
        """;

    internal static void AssertReported(string source, string id, string locatedText, string message, bool withRuntime = true)
    {
        var result = GeneratorHarness.Run(source, withRuntime);
        var matches = result.Generator.Where(d => d.Id == id).ToList();
        Assert.True(matches.Count == 1, $"expected one {id}, got:\n{GeneratorHarness.Describe(result.Generator, source)}");
        var d = matches[0];
        Assert.Equal(GeneratorHarness.FilePath, d.Location.GetLineSpan().Path);
        Assert.Equal(locatedText, GeneratorHarness.LocatedText(d, source));
        Assert.Equal(message, d.GetMessage());
        Assert.DoesNotContain(result.Compilation, c => c.Id == "CS8785");   // the generator did not crash
    }

    [Fact]
    public void NDSL0001_network_not_partial() => AssertReported(
        Net("", header: "public class Net"), "NDSL0001", "Net",
        "Network class 'Net' must be declared partial so the generator can add its forward and backward passes");

    [Fact]
    public void NDSL0002_nested_network() => AssertReported("""
        using NetDsl;
        public partial class Outer
        {
            [Network(Input = new[] { 1, 4, 4 })]
            public partial class Inner { [Dense(10)] public partial Stage L { get; } }
        }
        """, "NDSL0002", "Inner", "Network class 'Inner' is nested inside 'Outer'; declare networks as top-level, non-generic classes");

    [Fact]
    public void NDSL0002_generic_network() => AssertReported(
        Net("[Dense(10)] public partial Stage L { get; }", header: "public partial class Net<T>"), "NDSL0002", "Net",
        "Network class 'Net' is generic; declare networks as top-level, non-generic classes");

    [Fact]
    public void NDSL0003_missing_input() => AssertReported(
        Net("[Dense(10)] public partial Stage L { get; }", input: ""), "NDSL0003", "Network()",
        "Network 'Net' has no input shape: add Input = new[] { channels, height, width } to [Network]");

    [Theory]
    [InlineData("1, 28", "(1,28)")]
    [InlineData("1, 0, 28", "(1,0,28)")]
    [InlineData("3, 32, 32, 1", "(3,32,32,1)")]
    public void NDSL0004_invalid_input(string dims, string shown) => AssertReported(
        Net("[Dense(10)] public partial Stage L { get; }", input: $"Input = new[] {{ {dims} }}"), "NDSL0004", $"Network(Input = new[] {{ {dims} }})",
        $"Network 'Net': input shape {shown} is invalid; expected three positive sizes (channels, height, width)");

    [Theory]
    [InlineData("Conv(0)", "C: Conv out channels is 0, but must be at least 1")]
    [InlineData("Conv(6, Kernel = 0)", "C: Conv kernel is 0, but must be at least 1")]
    [InlineData("Conv(6, Stride = -1)", "C: Conv stride is -1, but must be at least 1")]
    [InlineData("Conv(6, Padding = -2)", "C: Conv padding is -2, but must be zero or more")]
    [InlineData("Conv(6, Padding = -1)", "C: Conv padding is -1, but must be zero or more")]   // once a silent 'same'
    [InlineData("Lrn(5, K = 0)", "C: Lrn k is 0, but must be positive")]
    [InlineData("Conv(6, Groups = 4)", "C: Conv groups is 4, but must be a divisor of both the 1 input and 6 output channels")]
    [InlineData("Conv(6, Dilation = 0)", "C: Conv dilation is 0, but must be at least 1")]
    [InlineData("Conv(6, KernelHW = new[] { 3 })", "C: Conv KernelHW is not two values, but must be { height, width }")]
    [InlineData("ConvTranspose(4, Stride = 2, OutputPadding = 2)", "C: ConvTranspose output padding is 2, but must be at least 0 and below the stride (2)")]
    [InlineData("LeakyRelu(-0.1)", "C: LeakyRelu slope is -0.1, but must be zero or more")]
    [InlineData("Elu(0)", "C: Elu alpha is 0, but must be positive")]
    [InlineData("BatchNorm(Momentum = 2)", "C: BatchNorm momentum is 2, but must be between 0 and 1")]
    [InlineData("MaxPool(0)", "C: MaxPool kernel is 0, but must be at least 1")]
    [InlineData("AvgPool(2, Stride = -3)", "C: AvgPool stride is -3, but must be at least 1")]
    [InlineData("Dense(-3)", "C: Dense units is -3, but must be at least 1")]
    [InlineData("Dropout(1.0)", "C: Dropout probability is 1, but must be at least 0 and below 1")]
    [InlineData("Conv(6, Kernel = 4, Padding = Pad.Same)", "C: Conv 'same' padding is kernel 4, stride 1, but must be used with an odd kernel and stride 1")]
    [InlineData("MaxPool(3, Padding = 2)", "C: MaxPool padding is 2, but must be at most half the kernel (1)")]
    [InlineData("Dropout(-0.1)", "C: Dropout probability is -0.1, but must be at least 0 and below 1")]
    public void NDSL0005_invalid_argument(string layer, string message) => AssertReported(
        Net($"[{layer}] public partial Stage C {{ get; }}\n[Dense(10)] public partial Stage L {{ get; }}"), "NDSL0005", layer, message);

    [Fact]
    public void NDSL0005_unknown_head() => AssertReported(
        Net("[Dense(10)] public partial Stage L { get; }", input: "Input = new[] { 1, 28, 28 }, Head = (Head)7"), "NDSL0005",
        "Network(Input = new[] { 1, 28, 28 }, Head = (Head)7)", "Net: Network head is 7, but must be one of BinaryCrossEntropyWithLogits, L1, MeanSquaredError, PixelSoftmaxCrossEntropy, SoftmaxCrossEntropy");

    [Fact]
    public void NDSL0006_kernel_larger_than_padded_input() => AssertReported(Net("""
            [Conv(6, Kernel = 5), Relu, MaxPool(2)] public partial Stage C1 { get; }
            [Conv(16, Kernel = 5)]                  public partial Stage C3 { get; }
            [Dense(10)]                             public partial Stage L { get; }
        """, input: "Input = new[] { 1, 12, 12 }"), "NDSL0006", "Conv(16, Kernel = 5)",
        "C3: Conv kernel 5 does not fit the 4×4 input from C1 (padding 0, padded size 4×4)");

    [Fact]
    public void NDSL0006_names_an_inner_layer_of_the_same_stage() => AssertReported(Net("""
            [Conv(6, Kernel = 3), MaxPool(4)] public partial Stage C { get; }
            [Dense(10)]                       public partial Stage L { get; }
        """, input: "Input = new[] { 1, 4, 4 }"), "NDSL0006", "MaxPool(4)",
        "C: MaxPool kernel 4 does not fit the 2×2 input from C.0 (Conv) (padding 0, padded size 2×2)");

    [Fact]
    public void NDSL0007_padding_left_over_is_not_reported() => Assert.Empty(GeneratorHarness.Run(
        Net("[Conv(4, Kernel = 3, Stride = 2, Padding = 1)] public partial Stage C { get; }\n[Dense(10)] public partial Stage L { get; }",
            input: "Input = new[] { 1, 32, 32 }")).Generator);

    [Fact]
    public void NDSL0007_uneven_stride_is_a_warning_and_generation_continues()
    {
        string source = Net("[MaxPool(2)] public partial Stage P { get; }\n[Dense(10)] public partial Stage L { get; }", input: "Input = new[] { 1, 7, 7 }");
        AssertReported(source, "NDSL0007", "MaxPool(2)",
            "P: MaxPool kernel 2 stride 2 leaves part of the 7×7 input from the input unread: its windows cover 6 of 7 rows/columns, so the last 1 are ignored");
        var result = GeneratorHarness.Run(source);
        Assert.Equal(DiagnosticSeverity.Warning, result.Generator.Single().Severity);
        Assert.Equal(3, result.Sources.Count());
    }

    [Theory]
    [InlineData("[Dense(10)] public Stage L { get; } = null!;", "it is not partial")]
    [InlineData("[Dense(10)] public static partial Stage L { get; }", "it is static")]
    [InlineData("[Dense(10)] public partial int L { get; }", "its type is int")]
    public void NDSL0008_stage_property_must_be_partial_stage(string stage, string reason) => AssertReported(
        Net(stage), "NDSL0008", "L", $"Stage 'L' must be declared as 'public partial Stage L {{ get; }}' ({reason})");

    [Fact]
    public void NDSL0009_no_layers() => AssertReported(
        Net("public int Unrelated => 1;"), "NDSL0009", "Network(Input = new[] { 1, 28, 28 })",
        "Network 'Net' declares no layers: add partial Stage properties carrying layer attributes such as [Conv(6, Kernel = 5), Relu]");

    [Fact]
    public void NDSL0010_empty_stage() => AssertReported(
        Net("public partial Stage Empty { get; }\n[Dense(10)] public partial Stage L { get; }"), "NDSL0010", "Empty",
        "Stage 'Empty' has no layer attributes: add at least one, e.g. [Dense(10)]");

    [Fact]
    public void NDSL0011_single_output() => AssertReported(
        Net("[Dense(1)] public partial Stage L { get; }"), "NDSL0011", "Dense(1)",
        "Network 'Net' ends in L with output (1); its SoftmaxCrossEntropy head needs at least 2 outputs");

    [Fact]
    public void NDSL0011_pixel_head_needs_two_channels() => AssertReported(
        Net("[Conv(1, Kernel = 3, Padding = 1)] public partial Stage Score { get; }", input: "Input = new[] { 3, 8, 8 }, Head = Head.PixelSoftmaxCrossEntropy"),
        "NDSL0011", "Conv(1, Kernel = 3, Padding = 1)",
        "Network 'Net' ends in Score with output (1,8,8); its PixelSoftmaxCrossEntropy head needs at least 2 channels (classes) per pixel");

    [Theory]
    [InlineData("MeanSquaredError")]
    [InlineData("L1")]
    [InlineData("BinaryCrossEntropyWithLogits")]
    public void A_single_output_is_fine_for_regression_and_multi_label_heads(string head)
    {
        var result = GeneratorHarness.Run(Net("[Dense(1)] public partial Stage L { get; }", input: $"Input = new[] {{ 1, 4, 4 }}, Head = Head.{head}"));
        Assert.Empty(result.Generator);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void NDSL0023_auxiliary_head_of_another_shape() => AssertReported(Net("""
            [Conv(4, Kernel = 3), Relu] public partial Stage C { get; }
            [AuxiliaryHead, Dense(5)]   public partial Stage Aux { get; }
            [Dense(10)]                 public partial Stage L { get; }
        """, input: "Input = new[] { 1, 8, 8 }"), "NDSL0023", "Aux",
        "Auxiliary head 'Aux' of network 'Net' outputs (5), but the main output L is (10); heads share the targets, so their shapes must agree");

    [Theory]
    [InlineData("Head = Head.PixelSoftmaxCrossEntropy, ", 2,
        "is one of the 3 classes the head scores, so that class could never be learned; choose a label outside [0, 3), such as 255")]
    [InlineData("", 255, "has no effect: only the PixelSoftmaxCrossEntropy head ignores labels")]
    public void NDSL0025_ignore_label_that_hides_a_class_or_does_nothing(string head, int ignore, string problem) => AssertReported(
        Net("[Conv(3, Kernel = 1)] public partial Stage Score { get; }", input: $"Input = new[] {{ 1, 4, 4 }}, {head}IgnoreLabel = {ignore}"), "NDSL0025",
        $"Network(Input = new[] {{ 1, 4, 4 }}, {head}IgnoreLabel = {ignore})", $"Network 'Net': IgnoreLabel {ignore} {problem}");

    [Fact]
    public void NDSL0024_auxiliary_head_in_a_block() => AssertReported("""
        using NetDsl;
        [Block("c")]
        public partial class B
        {
            [AuxiliaryHead, Conv("c", Kernel = 1)] public partial Stage Side { get; }
            [Conv("c", Kernel = 1)] public partial Stage Out { get; }
        }
        [Network(Input = new[] { 1, 4, 4 })]
        public partial class Net
        {
            [Use<B>(2)] public partial Stage S { get; }
            [Dense(10)] public partial Stage L { get; }
        }
        """, "NDSL0024", "Side", "Block 'B' marks stage 'Side' as an auxiliary head; only a network's stages can be heads");

    [Fact]
    public void NDSL0012_too_large_a_layer_is_reported_on_the_layer() => AssertReported(
        Net("[Conv(64, Kernel = 1)] public partial Stage C { get; }\n[Dense(10)] public partial Stage L { get; }", input: "Input = new[] { 1, 8192, 8192 }"),
        "NDSL0012", "Conv(64, Kernel = 1)",
        "Network 'Net' needs 4,294,967,296 activations per sample, more than a 32-bit offset can address");

    [Fact]
    public void NDSL0012_too_large_a_network_is_reported_on_the_network() => AssertReported(
        Net("[Conv(4, Kernel = 1), Relu] public partial Stage C { get; }\n[Dense(10)] public partial Stage L { get; }", input: "Input = new[] { 1, 16384, 16384 }"),
        "NDSL0012", "Network(Input = new[] { 1, 16384, 16384 })",
        "Network 'Net' needs 2,415,919,124 activations per sample, more than a 32-bit offset can address");

    [Fact]
    public void NDSL0013_runtime_not_referenced() => AssertReported(
        Net("[Dense(10)] public partial Stage L { get; }"), "NDSL0013", "Network(Input = new[] { 1, 28, 28 })",
        "Network 'Net' needs the NetDsl.Runtime assembly: add a reference to it so the generated CPU program can run", withRuntime: false);

    [Fact]
    public void A_network_with_errors_gets_stage_stubs_so_only_our_error_shows()
    {
        var result = GeneratorHarness.Run(Net("[Conv(0)] public partial Stage C { get; }\n[Dense(10)] public partial Stage L { get; }"));

        Assert.Equal("NDSL0005", Assert.Single(result.Generator).Id);
        Assert.Empty(result.Errors);
        Assert.EndsWith(".Stubs.g.cs", Assert.Single(result.Sources).HintName);
    }

    [Fact]
    public void Code_using_a_network_with_errors_still_compiles_so_only_our_error_shows()
    {
        var result = GeneratorHarness.Run(Net("[Conv(6, Padding = -1)] public partial Stage C { get; }\n[Dense(10)] public partial Stage L { get; }") + """
            static class Use
            {
                static void Train(NetDsl.Runtime.ICpuNetwork cpu, NetDsl.Runtime.IGpuNetwork gpu) { }
                static object Run()
                {
                    var net = new Net();
                    Train(net, net);
                    float[] p = new float[1];
                    net.InitializeParameters<float>(p, 1);
                    return (Net.Summary, net.Description.Layers, net.C, Net.CudaProgram, Net.Arena);
                }
            }
            """);

        Assert.Equal("NDSL0005", Assert.Single(result.Generator).Id);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Help_links_are_full_urls_to_each_diagnostics_section()
    {
        foreach (var descriptor in Diagnostics.Catalog.All)
        {
            Assert.True(System.Uri.TryCreate(descriptor.HelpLinkUri, System.UriKind.Absolute, out var uri), descriptor.HelpLinkUri);
            Assert.Equal("https", uri!.Scheme);
            Assert.EndsWith("/docs/diagnostics.md#" + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
        }
        string docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "diagnostics.md"));
        Assert.All(Diagnostics.Catalog.All, d => Assert.Contains("## " + d.Id.ToLowerInvariant(), docs));
    }

    [Fact]
    public void Every_catalog_entry_has_a_test_and_a_release_note()
    {
        var ids = Diagnostics.Catalog.All.Select(d => d.Id).ToList();
        var tested = typeof(DiagnosticTests).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .Select(m => m.Name).Where(n => n.StartsWith("NDSL")).Select(n => n[..8]).ToHashSet();
        string releases = File.ReadAllText(Path.Combine(RepoRoot(), "src", "NetDsl.Generator", "AnalyzerReleases.Unshipped.md"));

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Contains(id, tested));
        Assert.All(ids, id => Assert.Contains(id + " |", releases));
    }

    internal static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));
}
