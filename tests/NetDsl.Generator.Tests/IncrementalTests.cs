using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetDsl.Generator.Tests;

/// <summary>Edits that do not touch a network must not re-run its checker or emitters.</summary>
public class IncrementalTests
{
    private const string Unrelated = "namespace Zoo; public class Helper { public int Value => 1; }";

    [Fact]
    public void An_unrelated_edit_regenerates_nothing()
    {
        var compilation = GeneratorHarness.Compile(Sources.LeNet5)
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText(Unrelated, GeneratorHarness.ParseOptions, "Helper.cs"));
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText(Unrelated.Replace("1;", "2;"), GeneratorHarness.ParseOptions, "Helper.cs"));
        var run = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(run, NetworkGenerator.ParseStep);
        AssertAllCachedOrUnchanged(run, NetworkGenerator.CheckStep);
        Assert.All(run.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output was {o.Reason}"));
    }

    [Fact]
    public void Editing_one_network_does_not_regenerate_another()
    {
        var compilation = GeneratorHarness.Compile(Sources.LeNet5)
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText(Sources.LeNet5Classic, GeneratorHarness.ParseOptions, "Classic.cs"));
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText(Sources.LeNet5Classic.Replace("Dense(84)", "Dense(96)"), GeneratorHarness.ParseOptions, "Classic.cs"));
        var run = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var reasons = run.TrackedSteps[NetworkGenerator.CheckStep].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(2, reasons.Count);
        Assert.Single(reasons, IncrementalStepRunReason.Modified);
        Assert.Single(reasons, r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Cached_model_holds_no_symbols_syntax_or_compilation()
    {
        var driver = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(Sources.Strided));
        var run = driver.GetRunResult().Results.Single();

        foreach (var step in new[] { NetworkGenerator.ParseStep, NetworkGenerator.CheckStep })
            foreach (var output in run.TrackedSteps[step].SelectMany(s => s.Outputs))
                AssertNoRoslynObjects(output.Value, new HashSet<object>(ReferenceEqualityComparer.Instance), step);
    }

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult run, string step) =>
        Assert.All(run.TrackedSteps[step].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} output was {o.Reason}"));

    private static void AssertNoRoslynObjects(object? node, HashSet<object> seen, string path)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum || !seen.Add(node)) return;
        Assert.False(node is ISymbol or Compilation or SyntaxNode or SemanticModel or Location or SyntaxTree,
            $"{path} holds a {node.GetType().Name}");
        if (node is IEnumerable items)
        {
            int i = 0;
            foreach (var item in items) AssertNoRoslynObjects(item, seen, $"{path}[{i++}]");
        }
        foreach (var field in node.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            AssertNoRoslynObjects(field.GetValue(node), seen, $"{path}.{field.Name}");
    }
}
