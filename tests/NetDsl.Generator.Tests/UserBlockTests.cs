using Microsoft.CodeAnalysis;

namespace NetDsl.Generator.Tests;

/// <summary>Users build on the zoo: a block from the compiled Networks assembly and one of their own, side by side.</summary>
public class UserBlockTests
{
    private const string Mixed = """
        using NetDsl;
        using NetDsl.Networks;

        [Block("width")]
        public partial class Wide { [Conv("width * 2", Kernel = 3, Padding = 1), Relu] public partial Stage Body { get; } }

        [Network(Input = new[] { 3, 16, 16 })]
        public partial class Mixed
        {
            [Conv(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu] public partial Stage Stem { get; }
            [Use<BasicBlock>(16), Use<BasicBlock>(32, Stride = 2), Use<Wide>(8)] public partial Stage Body { get; }
            [GlobalAvgPool, Dense(10)] public partial Stage Head { get; }
        }
        """;

    [Fact]
    public void A_user_block_and_a_zoo_block_from_a_referenced_assembly_expand_together()
    {
        var result = GeneratorHarness.Run(Mixed, withZoo: true);

        Assert.Empty(result.Errors);
        Assert.Empty(result.Generator);
        string layout = result.Sources.Single(s => s.HintName == "Mixed.Layout.g.cs").SourceText.ToString();
        Assert.Contains("\"Body.0.conv1.weight\"", layout);          // the zoo's BasicBlock, identity shortcut: no downsample
        Assert.DoesNotContain("\"Body.0.downsample.0.weight\"", layout);
        Assert.Contains("\"Body.1.downsample.0.weight\", ", layout);  // stride 2 and 16 → 32 channels: a projection
        Assert.Contains("\"Body.2.Body.0.weight\", ", layout);        // the user's Wide block: 32 → 16 channels ("width * 2")
        Assert.Contains("new[] { 16, 32, 3, 3 }", layout);
    }

    /// <summary>
    /// The compiler applies #pragma warning disable and .editorconfig severities only to diagnostics located in its
    /// syntax trees; a file-path-only location escapes both (the zoo build proves the suppression end to end).
    /// </summary>
    [Fact]
    public void Diagnostics_are_located_in_the_users_syntax_tree()
    {
        var result = GeneratorHarness.Run("""
            using NetDsl;
            [Network(Input = new[] { 1, 7, 7 })]
            public partial class Net
            {
                [MaxPool(2)] public partial Stage P { get; }
                [Dense(10)] public partial Stage L { get; }
            }
            """);

        var warning = Assert.Single(result.Generator);
        Assert.True(warning.Location.IsInSource);
        Assert.Same(result.Output.SyntaxTrees.First(), warning.Location.SourceTree);
    }
}
