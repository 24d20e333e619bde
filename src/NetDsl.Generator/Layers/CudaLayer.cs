using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>
/// One layer's place in a CUDA program, for one direction: its buffers as CUDA expressions and where its kernel code
/// goes. Two programs implement it: one kernel per layer, the whole grid sharing each loop (<see cref="CudaEmitter"/>),
/// and the whole-network kernels, where a block runs every layer on its tile of samples in shared memory
/// (<see cref="CudaWholeNetworkEmitter"/>). A layer writes one body that serves both.
/// </summary>
internal abstract class CudaLayer(NodePlan layer, NodePlan? activation, PoolFusion? pool)
{
    public NodePlan L => layer;

    /// <summary>The activation this layer computes for its only reader, if any.</summary>
    public NodePlan? Activation => activation;

    /// <summary>The pool this (convolution) layer computes for its only reader, if any.</summary>
    public PoolFusion? Pool => pool;

    /// <summary>The fused activation's functor type; netdsl::Identity without one.</summary>
    public string Act => activation is null ? "netdsl::Identity" : activation.Layer.FusableActivation(activation)!;

    /// <summary>The shape comment, with what is fused.</summary>
    public abstract string Say { get; }

    /// <summary>Input i: the live buffer in forward, the saved slot in backward.</summary>
    public abstract string X(int input = 0);

    /// <summary>Forward: where the output goes (the fused activation's or pool's). Backward: the saved output (the fused activation's).</summary>
    public abstract string Y { get; }

    /// <summary>The fused activation's saved output in backward, or nullptr without one.</summary>
    public string FusedY => activation is null ? "nullptr" : Y;

    /// <summary>dL/d(output): of the fused activation or pool, if any.</summary>
    public abstract string Dy { get; }

    /// <summary>Where input i's gradient goes; null when none is needed.</summary>
    public abstract string? Dx(int input = 0);

    /// <summary>A slot kept for backward (a mask, a pre-pool activation), for this program's samples.</summary>
    public abstract string Saved(int slot, long size);

    /// <summary>Inside the whole-network kernels, where a block runs the layer on its tile of samples.</summary>
    public abstract bool InTile { get; }

    /// <summary>Who shares the layer's loops: netdsl::Grid, or netdsl::Block in a tile.</summary>
    public string TeamType => InTile ? "netdsl::Block" : "netdsl::Grid";

    /// <summary>The sample count: a.n for the grid, the tile's count in a block.</summary>
    public string N => InTile ? "count" : "a.n";

    /// <summary>", netdsl::Block" inside the whole-network kernels, to end a template argument list; empty for the grid (the default).</summary>
    public string Team => InTile ? ", " + TeamType : "";

    /// <summary>"&lt;netdsl::Block&gt;" inside the whole-network kernels, for functions whose only template argument is the team.</summary>
    public string TeamOnly => InTile ? $"<{TeamType}>" : "";

    /// <summary>The whole-network kernels pass their first sample to per-sample random streams (dropout).</summary>
    public string FirstSample => InTile ? ", first" : "";

    public string Total(long size) => $"(long long){N} * {size}";

    public string Param(string role) => CudaEmitter.Param(layer, role);

    /// <summary>Where a parameter's gradient goes: the batch's gradient for the grid, the tile's partial in a block.</summary>
    public abstract string PGrad(string role);

    /// <summary>Adds kernel code: its own kernel for the grid, named after the layer and <paramref name="suffix"/>; lines of the block's kernel in a tile.</summary>
    public abstract void Kernel(string suffix, string narration, long perSample, long fixedWork, params string[] body);

    /// <summary>A kernel with its own launch shape (tensor cores): grid only.</summary>
    public abstract void Kernel(CudaEmitter.Launch launch, string narration, params string[] body);

    /// <summary>Floats of scratch a kernel of this layer needs (launches run one at a time, so the largest wins).</summary>
    public abstract void NeedScratch(long floats);

    /// <summary>The layer's identifier, for kernel names.</summary>
    public abstract string Id { get; }
}
