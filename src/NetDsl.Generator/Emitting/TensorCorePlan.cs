using System;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// Whether a convolution runs on tensor cores (netdsl_tensorcore.cuh: TF32 implicit GEMMs in 64×64 tiles) and how its
/// launches are shaped. The rule: GEMM depth Ci·K² ≥ 64 and Co ≥ 32. Below that a 64×64 tile is mostly padding (a
/// LeNet-sized conv fills a quarter of it at best) and the reference kernel's direct sums cost less than the tile
/// loads and barriers.
/// </summary>
internal sealed class TensorCorePlan
{
    public const int Tile = 64, Threads = 128, KStep = 32;

    /// <summary>Two stages of the shared tiles As[64][32 + 4] and Bs[32][64 + 8], in bytes (36 KiB).</summary>
    public const int SharedBytes = 2 * 4 * (Tile * (KStep + 4) + KStep * (Tile + 8));

    /// <summary>Blocks that keep every SM of an H100 (132) busy twice over: what the weight gradient's K split aims for.</summary>
    private const int TargetBlocks = 264, MaxSplits = 32;

    private readonly NodePlan _conv;

    private TensorCorePlan(NodePlan conv)
    {
        _conv = conv;
        long tiles = TilesOf(conv.Out.C) * TilesOf(WeightColumns);
        // Enough splits of K = n·Ho·Wo to fill the GPU, but at least one K step each in a batch of one.
        long wanted = (TargetBlocks + tiles - 1) / tiles;
        WeightSplits = (int)Math.Max(1, Math.Min(Math.Min(wanted, MaxSplits), conv.Out.Spatial / KStep));
    }

    /// <summary>Plain convolutions only (square, undilated, ungrouped): the GEMMs' gathers index one kernel size, stride and padding.</summary>
    public static TensorCorePlan? For(NodePlan l) =>
        l.Layer is Layers.Conv && Layers.Conv.IsPlain(l) && (long)l.In.C * l.Window!.Value.KH * l.Window.Value.KH >= 64 && l.Out.C >= 32 ? new TensorCorePlan(l) : null;

    /// <summary>Blocks over which the weight gradient's sum over the batch and positions is split.</summary>
    public int WeightSplits { get; }

    /// <summary>Floats of scratch the per-split weight-gradient partials take.</summary>
    public long PartialFloats => WeightSplits * _conv.Out.C * WeightColumns;

    private long WeightColumns => (long)_conv.In.C * _conv.Window!.Value.KH * _conv.Window.Value.KW;

    public static string Narration => $", on tensor cores (TF32), {Tile}x{Tile} tiles";

    /// <summary>The forward GEMM: ⌈Co/64⌉ row tiles × ⌈n·Ho·Wo/64⌉ column tiles (a few spare blocks return at once).</summary>
    public CudaEmitter.Launch Forward(string name) => Columns(name, _conv.Out.C, _conv.Out.Spatial);

    /// <summary>The input-gradient GEMM: ⌈Ci/64⌉ × ⌈n·H·W/64⌉ tiles.</summary>
    public CudaEmitter.Launch BackwardInput(string name) => Columns(name, _conv.In.C, _conv.In.Spatial);

    /// <summary>The weight-gradient GEMM: one block per tile and split, whatever the batch.</summary>
    public CudaEmitter.Launch WeightPartials(string name) =>
        new(name, 0, TilesOf(_conv.Out.C) * TilesOf(WeightColumns) * WeightSplits, Threads, 1, SharedBytes);

    // Blocks = ⌈(rowTiles·n·spatial + rowTiles·64) / 64⌉ ≥ rowTiles · ⌈n·spatial/64⌉, for any n.
    private static CudaEmitter.Launch Columns(string name, int rows, int spatial) =>
        new(name, TilesOf(rows) * spatial, TilesOf(rows) * Tile, Threads, Tile, SharedBytes);

    private static long TilesOf(long size) => (size + Tile - 1) / Tile;
}
