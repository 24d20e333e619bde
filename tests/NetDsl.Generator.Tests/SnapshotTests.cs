using NetDsl.Testing;

namespace NetDsl.Generator.Tests;

/// <summary>Every emitted file and every diagnostic list of the sample networks, against approved snapshots.</summary>
public class SnapshotTests
{
    public static TheoryData<string, string> Networks => new()
    {
        { nameof(Sources.LeNet5), Sources.LeNet5 },
        { nameof(Sources.LeNet5Classic), Sources.LeNet5Classic },
        { nameof(Sources.Strided), Sources.Strided },
        { nameof(Sources.FusedPools), Sources.FusedPools },
        { nameof(Sources.TensorCores), Sources.TensorCores },
        { nameof(Sources.LaterLayers), Sources.LaterLayers },
        { nameof(Sources.Segmenter), Sources.Segmenter },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Emitted_files_match_snapshots_and_compile(string name, string source)
    {
        var result = GeneratorHarness.Run(source);

        Assert.Empty(result.Errors);
        var sources = result.Sources.ToList();
        Assert.Equal(3, sources.Count);   // layout, CPU program, GPU program
        foreach (var file in sources)
            Snapshot.Match(file.SourceText.ToString(), file.HintName.Replace(".g.cs", ""), "cs");
        Snapshot.Match(GeneratorHarness.Describe(result.Generator, source), name + ".diagnostics");
    }

    [Fact]
    public void Generated_code_narrates_each_layer_with_its_shapes()
    {
        var cpu = GeneratorHarness.Run(Sources.LeNet5).Sources.Single(s => s.HintName.EndsWith(".Cpu.g.cs")).SourceText.ToString();

        Assert.Contains("// C1.0 Conv 5x5/1 pad 2: (N,1,28,28) -> (N,6,28,28), 156 params", cpu);
        Assert.Contains("// C1.0 Conv 5x5/1 pad 2: (N,1,28,28) -> (N,6,28,28), 156 params; no input gradient needed", cpu);
    }
}
