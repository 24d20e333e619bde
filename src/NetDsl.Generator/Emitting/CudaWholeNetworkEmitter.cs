using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;
using NetDsl.Generator.Layers;
using static NetDsl.Generator.Emitting.CudaEmitter;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// A small chain network (convolution, pooling, dense, activations, dropout; no BatchNorm, whose batch statistics cross
/// tiles, and no joins) as three kernels instead of one per layer direction. Each block owns a tile of samples and runs
/// every layer on it in shared memory: the grid kernels' device functions with <c>netdsl::Block</c> as the team, a
/// barrier between layers, weights read from global memory. Forward writes the logits, probabilities and losses and,
/// in training, every slot backward reads. Backward keeps the gradients in shared memory, reads activations from their
/// slots, and stores the tile's parameter gradients as one partial in scratch; a third kernel adds the partials up in
/// tile order, so the result does not depend on scheduling.
/// </summary>
internal static class CudaWholeNetworkEmitter
{
    /// <summary>
    /// One sample's footprint must fit 96 KB of shared memory: an H100 block may opt in to 227 KB, and 96 KB leaves room
    /// for two blocks per SM.
    /// </summary>
    public const int BudgetBytes = 96 * 1024;

    /// <summary>
    /// A tile holds up to 2 samples within 48 KB. The batch is the only parallelism: at the batch small networks train
    /// with (64) that is 32 blocks, a quarter of an H100's SMs, each running half as long as with 4 samples; two samples
    /// still share each weight read and halve the partial gradients written and summed (LeNet-5: 7.9 MB at batch 64).
    /// </summary>
    private const int TileBytes = 48 * 1024, MaxTile = 2;

    /// <summary>8 warps hide shared-memory latency, and the largest layers still give each thread dozens of outputs.</summary>
    private const int Threads = 256;

    private const string Team = "netdsl::Block";

    /// <summary>
    /// One step of the chain: a layer, the activation fused into it, and a non-overlapping pool fused after them (whose
    /// backward the convolution's then does); it produces Output's slot. HasDx: its input needs a gradient.
    /// </summary>
    private sealed record Step(NodePlan Layer, NodePlan? Activation, PoolFusion? Pool, bool HasDx)
    {
        public NodePlan Output => Pool?.Pool ?? Activation ?? Layer;

        public string Narrate(bool forward)
        {
            string fused = string.Join(" and ", new[] { Activation, Pool?.Pool }.Where(f => f is not null).Select(f => $"{f!.Name} {f.Kind}"));
            return Names.Narrate(Layer) + (fused.Length == 0 ? "" : (forward ? ", fused with " : ", through ") + fused)
                + (forward && Pool is not null ? $"; training also writes {(Activation ?? Layer).Name}'s slot" : "");
        }
    }

    public static Program? TryEmit(NetworkPlan plan)
    {
        if (!plan.Layers.All(l => l.Layer.RunsInTile && l.Inputs.Count == 1 && l.Inputs[0] == l.Id - 1)) return null;
        if (plan.HasAuxiliaryHeads) return null;   // a chain has one head

        var fused = CudaFusion.Activations(plan);
        var pools = CudaFusion.Pools(plan, fused).Values.Where(p => p.FusedBackward).ToDictionary(p => p.Conv.Id);
        var absorbed = new HashSet<int>(fused.Values.Select(a => a.Id).Concat(pools.Values.Select(p => p.Pool.Id)));
        var steps = plan.Layers.Where(l => !absorbed.Contains(l.Id)).Select(l => new Step(l, fused.TryGetValue(l.Id, out var a) ? a : null,
            pools.TryGetValue(l.Id, out var p) ? p : null, plan.EdgeInto(l.Id, 0) is not null)).ToList();
        var backward = steps.Where(s => s.Layer.NeedsGradient).Reverse().ToList();

        // Each step writes the end of the tile buffer its input does not occupy, so a sample needs, at most, its
        // largest consecutive pair of tensors: forward from the input on, backward from dL/dlogits on.
        var forwardSizes = steps.Select(s => s.Output.Out.Size).Prepend(plan.Input.Size).ToList();
        var backwardSizes = backward.Where(s => s.HasDx).Select(s => s.Layer.In.Size).Prepend(plan.Logits.Out.Size).ToList();
        long perSample = Math.Max(LargestPair(forwardSizes), LargestPair(backwardSizes));
        if (4 * perSample > BudgetBytes) return null;
        int tile = (int)Math.Max(1, Math.Min(MaxTile, TileBytes / (4 * perSample)));
        return new Tile(plan, tile, perSample).Emit(steps, backward);
    }

    private static long LargestPair(List<long> sizes) => sizes.Count == 1 ? sizes[0] : sizes.Zip(sizes.Skip(1), (a, b) => a + b).Max();

    /// <summary>Writes the three kernels for tiles of <paramref name="samples"/> samples, <paramref name="perSample"/> floats each.</summary>
    private sealed class Tile(NetworkPlan plan, int samples, long perSample)
    {
        private readonly List<string> _source = Header(plan,
            $"// Whole network in three kernels: block b owns samples [{samples}b, {samples}b + {samples}) and runs every layer on them in shared memory.");

        private Launch Tiled(string name) => new(name, 1, 0, Threads, samples, (int)(4 * samples * perSample));

        public Program Emit(List<Step> steps, List<Step> backward)
        {
            _source.Add("#define TILE(offset, size) (SLOT(offset) + (long long)first * (size))   // this block's samples of a slot");
            Forward(steps);
            Backward(backward);
            Kernel("network_gradient_sum", "// parameter gradients: the tiles' partials added in tile order (deterministic, no atomics)",
                $"netdsl::sum_tiles(a.parameterGradients, a.scratch, {plan.TrainableCount}, (a.n + {samples - 1}) / {samples});");
            // One partial per tile, and a batch of capacity C has at most C / samples + 1 tiles.
            long partials = plan.TrainableCount;
            return new Program(_source, new() { Tiled("network_forward") },
                new() { Tiled("network_backward"), new Launch("network_gradient_sum", 0, partials) },
                (partials + samples - 1) / samples, partials);
        }

        private void Forward(List<Step> steps)
        {
            var body = Prologue();
            body.Add($"// input {plan.Input.Batched}{Place(0, plan.Input.Size)}");
            body.Add($"netdsl::copy<{Team}>(tile, TILE({plan.Nodes[0].Slot}, {plan.Input.Size}), (long long)count * {plan.Input.Size});");
            for (int i = 0; i < steps.Count; i++)
            {
                var (s, l) = (steps[i], steps[i].Layer);
                string x = Buffer(i, l.In.Size), y = Buffer(i + 1, s.Output.Out.Size);
                body.Add("__syncthreads();");
                if (i > 0) body.Add($"if (a.training) netdsl::copy<{Team}>(TILE({steps[i - 1].Output.Slot}, {l.In.Size}), {x}, (long long)count * {l.In.Size});");
                body.Add(s.Narrate(forward: true) + Place(i + 1, s.Output.Out.Size));
                l.Layer.CudaForward(new TileLayer(plan, s, body, x, y, forward: true));
            }
            long size = plan.Logits.Out.Size;
            string logits = Buffer(steps.Count, size);
            body.Add("__syncthreads();");
            body.Add($"// loss head: {plan.Loss.Describe(plan.Logits.Out, plan.Spec.IgnoreLabel)}; the logits are written in evaluation too");
            body.Add($"netdsl::copy<{Team}>(TILE({plan.Logits.Slot}, {size}), {logits}, (long long)count * {size});");
            body.Add(plan.Loss.CudaForward(HeadSite(logits)));
            Kernel("network_forward",
                $"// ---- forward: each layer's output goes to the other end of the tile ({samples} × {CodeWriter.N(perSample)} floats) from its input;\n" +
                "// in training, each is also copied to its slot (backward reads them) while the next layer runs. Dropout only in training.", body.ToArray());
        }

        private void Backward(List<Step> backward)
        {
            var body = Prologue();
            long size = plan.Logits.Out.Size;
            body.Add($"float* const partial = a.scratch + (long long)blockIdx.x * {plan.TrainableCount};   // this tile's parameter gradients");
            body.Add($"// loss head: dL/dlogits = {plan.Loss.MeanOver}{Place(0, size)}");
            body.Add(plan.Loss.CudaBackward(HeadSite($"TILE({plan.Logits.Slot}, {size})") with { Gradient = "tile" }));
            for (int i = 0; i < backward.Count; i++)
            {
                var (s, l) = (backward[i], backward[i].Layer);
                string dy = Buffer(i, s.Output.Out.Size), dx = Buffer(i + 1, l.In.Size);
                body.Add("__syncthreads();");
                body.Add(s.Narrate(forward: false) + (s.HasDx ? Place(i + 1, l.In.Size).Replace("out", "dx") : ""));
                l.Layer.CudaBackward(new TileLayer(plan, s, body, dy, s.HasDx ? dx : null, forward: false));
            }
            Kernel("network_backward",
                "// ---- backward: the tile's gradients stay in shared memory (each layer's dx at the other end from its dy); activations\n" +
                "// come from their slots; parameter gradients are stored in this tile's partial, which network_gradient_sum adds up.", body.ToArray());
        }

        /// <summary>The head on this block's samples: its slots from the first sample on, the logits at <paramref name="output"/>.</summary>
        private Heads.HeadSite HeadSite(string output)
        {
            var (head, size) = (plan.Heads[0], plan.Logits.Out.Size);
            return new Heads.HeadSite(plan.Logits.Out, 1, plan.Spec.IgnoreLabel, output, "", head.ProbabilitySlot < 0 ? "" : $"TILE({head.ProbabilitySlot}, {size})",
                "a.losses + first", FromFirst("a.labels", plan.Loss.LabelsPerSample(plan.Logits.Out)), FromFirst("a.targets", size), "count", "a.batchSize")
            {
                Counts = $"{LabeledPixels} + first", BatchCounts = LabeledPixels, Team = ", " + Team,
            };
        }

        /// <summary>A per-sample buffer from this block's first sample on.</summary>
        private static string FromFirst(string buffer, long perSample) => perSample == 1 ? $"{buffer} + first" : $"{buffer} + (long long)first * {perSample}";

        /// <summary>Where the block's samples start and how many there are (the last tile may be short).</summary>
        private List<string> Prologue() => new()
        {
            "extern __shared__ float tile[];",
            $"const int first = blockIdx.x * {samples}, count = min({samples}, a.n - first);",
        };

        /// <summary>The k-th tensor of a pass sits at the start of the tile buffer when k is even, at its end when odd.</summary>
        private long Offset(int k, long size) => k % 2 == 0 ? 0 : samples * (perSample - size);

        private string Buffer(int k, long size) => Offset(k, size) == 0 ? "tile" : $"tile + {Offset(k, size)}";

        private string Place(int k, long size) => $"; out tile[{Offset(k, size)}, {Offset(k, size) + samples * size})";


        /// <summary>
        /// A step inside the whole-network kernels: buffers are the tile's (live ones at alternating ends of shared memory,
        /// saved ones in the block's samples of each slot), and the layer's code becomes lines of the block's kernel.
        /// Forward: <paramref name="a"/> is x and <paramref name="b"/> y. Backward: <paramref name="a"/> is dy and <paramref name="b"/> dx.
        /// </summary>
        private sealed class TileLayer(NetworkPlan plan, Step step, List<string> body, string a, string? b, bool forward)
            : CudaLayer(step.Layer, step.Activation, step.Pool)
        {
            public override string Say => step.Narrate(forward);
            public override string X(int input = 0) => forward ? a : $"TILE({plan.Nodes[L.Inputs[0]].Slot}, {L.In.Size})";
            public override string Y => forward ? b! : $"TILE({(step.Activation ?? L).Slot}, {L.Out.Size})";
            public override string Dy => a;
            public override string? Dx(int input = 0) => forward ? null : b;
            public override string Saved(int slot, long size) => $"TILE({slot}, {size})";
            public override bool InTile => true;
            public override string PGrad(string role) => L.Tensor(role) is { } t ? $"partial + {t.Offset}" : "nullptr";
            public override string Id => L.Identifier;
            public override void Kernel(string suffix, string narration, long perSample, long fixedWork, params string[] lines) => body.AddRange(lines);
            public override void Kernel(Launch launch, string narration, params string[] lines) =>
                throw new System.InvalidOperationException($"{L.Name}: tiled launches do not run inside the whole-network kernels");
            public override void NeedScratch(long floats) =>
                throw new System.InvalidOperationException($"{L.Name}: scratch is not available inside the whole-network kernels");
        }

        private void Kernel(string name, string narration, params string[] body)
        {
            _source.Add("");
            _source.AddRange(narration.Split('\n'));
            _source.Add($"extern \"C\" __global__ void {name}(NetDslArgs a)");
            _source.Add("{");
            foreach (var line in body) _source.Add("    " + line);
            _source.Add("}");
        }
    }
}
