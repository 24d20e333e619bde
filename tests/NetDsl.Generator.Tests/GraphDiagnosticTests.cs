namespace NetDsl.Generator.Tests;

/// <summary>Diagnostics of graph declarations: references, cycles, joins, unused stages and blocks.</summary>
public class GraphDiagnosticTests
{
    private static string Net(string body, string input = "1, 8, 8", string extra = "") => $$"""
        using NetDsl;
        [Network(Input = new[] { {{input}} })]
        public partial class Net
        {
        {{body}}
        }
        {{extra}}
        """;

    private const string Basic = """
        [Block("width")]
        public partial class Basic
        {
            [Conv("width", Kernel = 3, Padding = 1, Strided = true, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu] public partial Stage Body { get; }
            [From(Stage.Input), Conv("width", Kernel = 1, Strided = true, Bias = false, Name = "downsample.0"), BatchNorm(Name = "downsample.1")]
            [Projection] public partial Stage Shortcut { get; }
            [Add(nameof(Body), nameof(Shortcut)), Relu] public partial Stage Out { get; }
        }
        """;

    [Fact]
    public void NDSL0014_unknown_stage() => DiagnosticTests.AssertReported(Net("""
            [Conv(4, Kernel = 1)] public partial Stage A { get; }
            [From("Nope"), Dense(10)] public partial Stage L { get; }
        """), "NDSL0014", "From(\"Nope\")", "Net: 'Nope' is not a stage of Net; its stages are input, A, L");

    [Fact]
    public void NDSL0015_cycle() => DiagnosticTests.AssertReported(Net("""
            [From("B"), Conv(4, Kernel = 1)] public partial Stage A { get; }
            [From("A"), Conv(4, Kernel = 1)] public partial Stage B { get; }
            [From("B"), Dense(10)] public partial Stage L { get; }
        """), "NDSL0015", "From(\"B\")", "Stages of Net form a cycle: B → A → B");

    [Fact]
    public void NDSL0016_concat_of_different_sizes() => DiagnosticTests.AssertReported(Net("""
            [Conv(4, Kernel = 3, Padding = 1)] public partial Stage A { get; }
            [From(Stage.Input), Conv(4, Kernel = 3)] public partial Stage B { get; }
            [Concat(nameof(A), nameof(B)), Dense(10)] public partial Stage L { get; }
        """), "NDSL0016", "Concat(nameof(A), nameof(B))", "L: Concat needs inputs of equal height and width, but A is 8×8 and B is 6×6");

    [Fact]
    public void NDSL0017_add_of_different_shapes_names_both() => DiagnosticTests.AssertReported(Net("""
            [Conv(4, Kernel = 3, Padding = 1)] public partial Stage A { get; }
            [Add(Stage.Input, nameof(A)), Dense(10)] public partial Stage L { get; }
        """), "NDSL0017", "Add(Stage.Input, nameof(A))", "L: Add needs inputs of equal shape, but the input is (1,8,8) and A is (4,8,8)");

    [Fact]
    public void NDSL0018_unused_stage_is_a_warning() => DiagnosticTests.AssertReported(Net("""
            [Conv(4, Kernel = 1)] public partial Stage Side { get; }
            [From(Stage.Input), Dense(10)] public partial Stage L { get; }
        """), "NDSL0018", "Side", "Stage 'Side' of Net is computed but nothing reads it");

    [Fact]
    public void NDSL0019_wrong_block_arguments_at_the_use_site() => DiagnosticTests.AssertReported(Net("""
            [Use<Basic>(4, 5)] public partial Stage layer1 { get; }
            [GlobalAvgPool, Dense(10)] public partial Stage L { get; }
        """, extra: Basic), "NDSL0019", "Use<Basic>(4, 5)", "layer1: block Basic takes 1 argument(s) (width), but 2 were given");

    [Fact]
    public void NDSL0020_use_of_a_class_that_is_not_a_block() => DiagnosticTests.AssertReported(Net("""
            [Use<Plain>(4)] public partial Stage layer1 { get; }
            [Dense(10)] public partial Stage L { get; }
        """, extra: "public class Plain { }"), "NDSL0020", "Use<Plain>(4)", "layer1: Plain is not a [Block] class (declare it as [Block(...)] partial class)");

    [Fact]
    public void NDSL0021_invalid_channel_expression_inside_a_block_is_reported_at_the_use_site() => DiagnosticTests.AssertReported(Net("""
            [Use<Wide>(4)] public partial Stage layer1 { get; }
            [Dense(10)] public partial Stage L { get; }
        """, extra: """
            [Block("width")]
            public partial class Wide { [Conv("widht * 2", Kernel = 1)] public partial Stage Body { get; } }
            """), "NDSL0021", "Use<Wide>(4)", "layer1.0 (Wide.Body): channel expression 'widht * 2' names 'widht', which is not a parameter (known: width, in)");

    [Fact]
    public void NDSL0022_duplicate_layer_name() => DiagnosticTests.AssertReported(Net("""
            [Conv(4, Kernel = 1, Name = "conv1"), Relu, Conv(4, Kernel = 1, Name = "conv1")] public partial Stage A { get; }
            [Dense(10)] public partial Stage L { get; }
        """), "NDSL0022", "Conv(4, Kernel = 1, Name = \"conv1\")", "A: the layer name 'conv1' is already used in Net");

    [Fact]
    public void A_shape_error_inside_a_block_is_reported_at_the_use_site_and_points_into_the_block()
    {
        string source = Net("""
            [Use<Squeeze>(4)] public partial Stage layer1 { get; }
            [Dense(10)] public partial Stage L { get; }
        """, input: "1, 2, 2", extra: """
            [Block("width")]
            public partial class Squeeze { [Conv("width", Kernel = 1), MaxPool(3, Name = "pool")] public partial Stage Body { get; } }
            """);
        var result = GeneratorHarness.Run(source);
        var d = Assert.Single(result.Generator);

        Assert.Equal("NDSL0006", d.Id);
        Assert.Equal("Use<Squeeze>(4)", GeneratorHarness.LocatedText(d, source));
        Assert.Equal("layer1.0 (Squeeze.Body): MaxPool kernel 3 does not fit the 2×2 input from layer1.0.Body.0 (Conv) (padding 0, padded size 2×2)", d.GetMessage());
        Assert.Equal("MaxPool(3, Name = \"pool\")", source.Substring(d.AdditionalLocations[0].SourceSpan.Start, d.AdditionalLocations[0].SourceSpan.Length));
    }
}
