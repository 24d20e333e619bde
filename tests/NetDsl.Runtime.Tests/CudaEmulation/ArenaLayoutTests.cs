using NetDsl.Networks;
using NetDsl.Runtime.Tests.Networks;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>The generated GPU arenas of every zoo and test network: aligned, disjoint, and big enough for what runs in them.</summary>
public sealed class ArenaLayoutTests
{
    public static TheoryData<string> Networks()
    {
        var names = new TheoryData<string>();
        foreach (var name in Zoo.Names) names.Add(name);
        foreach (var name in new[] { "EveryLayer", "PoolFirst", "GraphNet" }) names.Add(name);
        return names;
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Regions_are_aligned_disjoint_and_sized_for_the_network(string name)
    {
        var net = name switch
        {
            "EveryLayer" => new EveryLayer(),
            "PoolFirst" => new PoolFirst(),
            "GraphNet" => new GraphNet(),
            _ => Zoo.Create(name),
        };
        var (arena, program, layout, description) = (((IGpuNetwork)net).GpuArena, ((IGpuNetwork)net).GpuProgram, net.Layout, net.Description);
        foreach (int capacity in new[] { 1, 3, 64 })
        {
            long Expected(ArenaRegion region) => region switch
            {
                ArenaRegion.Parameters or ArenaRegion.ParameterGradients => description.ParameterCount,
                ArenaRegion.OptimizerState => 2L * description.TrainableParameterCount,
                ArenaRegion.Step => 6,
                ArenaRegion.Reductions => layout.ReductionPerWorker,
                ArenaRegion.Labels => (long)description.Targets.LabelsPerSample * capacity,
                ArenaRegion.Targets => (long)description.Targets.ValuesPerSample * capacity,
                ArenaRegion.Losses => capacity,
                ArenaRegion.HeadLosses => 2L * capacity,
                ArenaRegion.Activations or ArenaRegion.Gradients => (long)layout.ActivationsPerSample * capacity,
                _ => program.ScratchFloats(capacity),
            };
            var (offsets, bytes) = arena.Carve(capacity);
            var spans = arena.Slices.Select(s => (s.Region, Start: offsets[(int)s.Region], End: offsets[(int)s.Region] + 4 * s.Words(capacity)))
                .OrderBy(s => s.Start).ToList();
            Assert.All(spans, s => Assert.Equal(0, s.Start % ArenaLayout.Alignment));
            Assert.All(spans, s => Assert.Equal(Expected(s.Region), (s.End - s.Start) / 4));
            for (int i = 1; i < spans.Count; i++)
                Assert.True(spans[i - 1].End <= spans[i].Start, $"{name}: {spans[i - 1].Region} overlaps {spans[i].Region} at capacity {capacity}");
            Assert.Equal(Enum.GetValues<ArenaRegion>().Order(), spans.Select(s => s.Region).Order());
            Assert.InRange(bytes - spans[^1].End, 0, ArenaLayout.Alignment - 1);
            Assert.Equal(0, bytes % ArenaLayout.Alignment);
        }
    }

    [Fact]
    public void An_arena_without_every_region_exactly_once_is_refused()
    {
        var slices = Enum.GetValues<ArenaRegion>().Select(r => new ArenaSlice(r, 1, 0)).ToList();
        slices[^1] = slices[0];
        var error = Assert.Throws<ArgumentException>(() => new ArenaLayout(slices));
        Assert.Contains(nameof(ArenaRegion.Parameters), error.Message);
        Assert.Contains(nameof(ArenaRegion.Scratch), error.Message);
    }
}
