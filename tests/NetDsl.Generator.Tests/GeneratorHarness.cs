using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NetDsl.Generator.Tests;

/// <summary>Runs <see cref="NetworkGenerator"/> over source text with CSharpGeneratorDriver, as the compiler would.</summary>
internal static class GeneratorHarness
{
    public const string FilePath = "Networks.cs";
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The framework's assemblies only: the trusted list also names this test's own dependencies.</summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> Platform = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetDirectoryName(path) == Path.GetDirectoryName(typeof(object).Assembly.Location))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToImmutableArray());

    private static readonly MetadataReference Contracts = MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location);
    private static readonly MetadataReference Runtime = MetadataReference.CreateFromFile(typeof(Runtime.ICpuNetwork).Assembly.Location);
    /// <summary>The compiled zoo, for users who build on its blocks.</summary>
    public static readonly MetadataReference Zoo = MetadataReference.CreateFromFile(typeof(Networks.BasicBlock).Assembly.Location);

    public static CSharpCompilation Compile(string source, bool withRuntime = true, bool withZoo = false) =>
        CSharpCompilation.Create("UserNetworks",
            [CSharpSyntaxTree.ParseText(source, ParseOptions, FilePath)],
            (withRuntime ? Platform.Value.Add(Contracts).Add(Runtime) : Platform.Value.Add(Contracts)).AddRange(withZoo ? new[] { Zoo } : Array.Empty<MetadataReference>()),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create([new NetworkGenerator().AsSourceGenerator()], parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static Result Run(string source, bool withRuntime = true, bool withZoo = false)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(Compile(source, withRuntime, withZoo), out var output, out _);
        var run = driver.GetRunResult();
        return new Result(run, output, run.Diagnostics, output.GetDiagnostics());
    }

    /// <param name="Generator">What the generator reported.</param>
    /// <param name="Compilation">What the compiler reports on the user's code plus the generated files.</param>
    public sealed record Result(GeneratorDriverRunResult Run, Compilation Output, ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compilation)
    {
        public IEnumerable<GeneratedSourceResult> Sources => Run.Results.SelectMany(r => r.GeneratedSources);
        public IEnumerable<Diagnostic> Errors => Compilation.Where(d => d.Severity == DiagnosticSeverity.Error);
    }

    /// <summary>One line per diagnostic: id, severity, position, the source text it points at, and the message.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics, string source) =>
        string.Join("\n", diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id).Select(d =>
            $"{d.Id} {d.Severity} {d.Location.GetLineSpan().StartLinePosition} [{LocatedText(d, source)}]: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));

    /// <summary>Generators report file-path locations (no syntax tree), so the text is cut from the source by span.</summary>
    public static string LocatedText(Diagnostic d, string source) =>
        d.Location.Kind == LocationKind.None ? "" : source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length);
}
