namespace NetDsl.Generator.Tests;

/// <summary>Source as an editor sees it mid-keystroke, or at the edges of the value ranges: the generator reports, it never throws.</summary>
public class MalformedInputTests
{
    public static TheoryData<string> HalfTyped => new()
    {
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Conv( public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Conv(6, Kernel = ] public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Conv(6, Kernel = \"5\")] public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Conv(\"six\")] public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Dense(10), Relu(3)] public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Dense(10), Unknown] public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Dense(10)] public partial Stage C { get; }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Dense(10)] public partial Stage { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Dense(10)] public partial Stage C { get",
        "[Network(Input = new[] { 1, 28, ",
        "[Network(Input = new[] { 1, 28, \"x\" })] public partial class N { [Dense(10)] public partial Stage C { get; } }",
        "[Network(Input = null)] public partial class N { [Dense(10)] public partial Stage C { get; } }",
        "[Network(Input = new int[3])] public partial class N { [Dense(10)] public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 }, Head = (Head)7)] public partial class N { [Dense(10)] public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Dropout(p: )] public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [MaxPool(2, Stride = int.MinValue)] public partial Stage C { get; } [Dense(10)] public partial Stage D { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Conv(int.MaxValue, Kernel = 1)] public partial Stage C { get; } [Dense(10)] public partial Stage D { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial record N { [Dense(10)] public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial struct N { [Dense(10)] public partial Stage C { get; } }",
        "[Network(Input = new[] { 1, 28, 28 })] public partial class N { [Dense(10)] public partial Stage C { get; } [Dense(10)] public partial Stage C { get; } }",
    };

    [Theory]
    [MemberData(nameof(HalfTyped))]
    public void Generator_reports_but_never_throws(string body)
    {
        var result = GeneratorHarness.Run("using NetDsl;\n" + body);

        Assert.DoesNotContain(result.Compilation, d => d.Id == "CS8785");   // "generator failed"
        Assert.True(result.Run.Results.All(r => r.Exception is null));
        Assert.NotEmpty(result.Compilation.Concat(result.Generator).Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).ToList());
    }
}
