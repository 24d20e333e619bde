using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generator;

namespace NetDsl.Bench;

/// <summary>
/// Source-generator cost: a cold run over the whole zoo (src/Networks), over ResNet-152 alone (plus its blocks),
/// and a warm re-run after an edit to one network, which must not regenerate the others.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _zoo = null!, _resNet152 = null!, _edited = null!;
    private GeneratorDriver _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        string dir = Path.Combine(RepoRoot(), "src", "Networks");
        var files = Directory.GetFiles(dir, "*.cs").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        _zoo = Compile(files.Values);
        _resNet152 = Compile([files["ResNetBlocks.cs"], Only(files["ResNets.cs"], "ResNet152")]);
        _warm = Driver().RunGenerators(_zoo);
        // Guard against measuring nothing: every network yields a layout and a CPU file, with no diagnostics.
        var run = _warm.GetRunResult();
        if (run.GeneratedTrees.Length < 3 * NetDsl.Networks.Zoo.Names.Count || !run.Diagnostics.IsEmpty)
            throw new InvalidOperationException($"The zoo generated {run.GeneratedTrees.Length} files and {run.Diagnostics.Length} diagnostics.");
        var tree = _zoo.SyntaxTrees.First(t => t.ToString().Contains("class LeNet5\n") || t.ToString().Contains("class LeNet5\r\n"));
        _edited = _zoo.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(tree.ToString().Replace("Dense(120)", "Dense(128)"), Options));
    }

    [Benchmark] public GeneratorDriver WholeZoo_Cold() => Driver().RunGenerators(_zoo);
    [Benchmark] public GeneratorDriver ResNet152_Cold() => Driver().RunGenerators(_resNet152);
    [Benchmark] public GeneratorDriver WholeZoo_AfterEditingLeNet5() => _warm.RunGenerators(_edited);

    private static readonly CSharpParseOptions Options = new(LanguageVersion.Latest);

    private static GeneratorDriver Driver() => CSharpGeneratorDriver.Create([new NetworkGenerator().AsSourceGenerator()], parseOptions: Options);

    private static CSharpCompilation Compile(IEnumerable<string> sources) =>
        CSharpCompilation.Create("Zoo", sources.Select(s => CSharpSyntaxTree.ParseText(s, Options)),
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    /// <summary>The file's usings and namespace with only the named network class kept.</summary>
    private static string Only(string source, string network)
    {
        int start = source.IndexOf("[Network", source.IndexOf($"class {network}\n") - 200, StringComparison.Ordinal);
        int end = source.IndexOf("\n}\n", source.IndexOf($"class {network}\n"), StringComparison.Ordinal) + 3;
        return "namespace NetDsl.Networks;\n" + source[start..end];
    }

    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));
}
