using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// A convolution (with or without its fused activation) whose only reader is a max or average pool: one forward kernel
/// computes conv + bias + activation + pool and, in training, still writes the pool's input slot, which backward reads.
/// With <see cref="FusedBackward"/> (windows K×K at stride K, no padding, tiling the plane exactly) the convolution's
/// backward reads the pooled gradient directly and the pool has no backward kernel.
/// </summary>
internal sealed record PoolFusion(NodePlan Conv, NodePlan? Activation, NodePlan Pool, bool FusedBackward, double Recompute)
{
    /// <summary>The slot the pool reads: the activation's, or the convolution's own.</summary>
    public int PoolInputSlot => (Activation ?? Conv).Slot;

    public string Narration => (Activation is null ? $", fused with {Pool.Name} {Pool.Kind}" : $" and {Pool.Name} {Pool.Kind}")
        + (Recompute > 1 ? $" (overlapping windows recompute {Recompute:0.##}x the convolution)" : "")
        + $"; training also writes {(Activation ?? Conv).Name}'s slot for backward";
}

/// <summary>What the CUDA emitters fuse, decided once from the plan.</summary>
internal static class CudaFusion
{
    /// <summary>Overlapping windows recompute the outputs they share; that pays only while one output is cheap.</summary>
    private const int MaxRecomputedMultiplyAddsPerOutput = 64;

    /// <summary>The only reader of <paramref name="l"/> when it reads nothing else, or null.</summary>
    private static NodePlan? SoleReader(NetworkPlan plan, NodePlan l)
    {
        var readers = plan.Layers.Where(r => r.Inputs.Contains(l.Id)).ToList();
        return readers.Count == 1 && readers[0].Inputs.Count == 1 ? readers[0] : null;
    }

    /// <summary>
    /// Convolution or dense layers whose only reader is an activation: one kernel computes both and writes the
    /// activation's slot; backward takes dL/d(pre-activation) from the activation's output. Keyed by producer.
    /// </summary>
    public static Dictionary<int, NodePlan> Activations(NetworkPlan plan) => plan.Layers
        .Where(l => l.Layer.TakesFusedActivation)
        .Select(l => (Producer: l, Reader: SoleReader(plan, l)))
        .Where(p => p.Reader is not null && p.Reader.Layer.FusableActivation(p.Reader) is not null)
        .ToDictionary(p => p.Producer.Id, p => p.Reader!);

    /// <summary>
    /// Pooling fused into the convolution before it (through its fused activation, if any). Keyed by the convolution.
    /// Convolutions on tensor cores keep their pool separate: their tiled GEMM outputs do not line up with windows.
    /// </summary>
    public static Dictionary<int, PoolFusion> Pools(NetworkPlan plan, Dictionary<int, NodePlan> activations)
    {
        var fusions = new Dictionary<int, PoolFusion>();
        foreach (var conv in plan.Layers.Where(l => l.Layer is Conv && Conv.IsPlain(l) && TensorCorePlan.For(l) is null))
        {
            var activation = activations.TryGetValue(conv.Id, out var a) ? a : null;
            if (SoleReader(plan, activation ?? conv) is not { Layer: Pool } pool || !Pool.Fuses(pool)) continue;
            var window = pool.Window!.Value;
            int k = window.KH, s = window.SH, p = window.PH;
            double recompute = Coverage(conv.Out.H, k, s, p, pool.Out.H) * Coverage(conv.Out.W, k, s, p, pool.Out.W);
            // Every position must belong to a window (the fused kernel writes the activation slot window by window).
            if (recompute == 0) continue;
            if (recompute > 1 && conv.Tensors[0].FanIn > MaxRecomputedMultiplyAddsPerOutput) continue;
            bool tiles = k == s && p == 0 && pool.Out.H * k == conv.Out.H && pool.Out.W * k == conv.Out.W;
            fusions[conv.Id] = new PoolFusion(conv, activation, pool, tiles, recompute);
        }
        return fusions;
    }

    /// <summary>Positions read by all windows along one axis per position, or 0 when some position is in no window.</summary>
    private static double Coverage(int size, int kernel, int stride, int padding, int windows)
    {
        long reads = 0;
        for (int h = 0; h < size; h++)
        {
            int covering = Enumerable.Range(0, windows).Count(o => o * stride - padding <= h && h < o * stride - padding + kernel);
            if (covering == 0) return 0;
            reads += covering;
        }
        return (double)reads / size;
    }
}
