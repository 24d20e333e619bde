using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Checking;

/// <summary>
/// Expands a network's stages and block instances into a graph of layer nodes in execution order, computing every
/// shape. Stages resolve lazily (so references may point forwards and cycles are caught); a stage's inputs resolve
/// before its first layer, so each stage's nodes are contiguous. The first error stops the build: later shapes would
/// only repeat it.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly NetworkSpec _spec;
    private readonly IReadOnlyDictionary<string, BlockSpec> _blocks;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphBuilder(NetworkSpec spec, IReadOnlyDictionary<string, BlockSpec> blocks, List<DiagnosticInfo> diagnostics) =>
        (_spec, _blocks, _diagnostics) = (spec, blocks, diagnostics);

    public List<GraphNode> Nodes { get; } = new();

    /// <summary>Network-level stages that were built: first node id, node count and output node.</summary>
    public Dictionary<string, (int First, int Count, int Output)> Stages { get; } = new();

    public bool Failed { get; private set; }

    /// <summary>The network's auxiliary heads in declaration order: stage, output node and weight. Their nodes follow the main path's.</summary>
    public List<(StageSpec Stage, int Output)> AuxiliaryHeads { get; } = new();

    /// <summary>The main output's node: the last node of the main path.</summary>
    public int MainOutput { get; private set; }

    /// <summary>Builds the graph from the input node; returns false after reporting an error.</summary>
    public bool Build(Shape input)
    {
        Nodes.Add(new GraphNode(0, "input", "input", null, input, Array.Empty<int>(), "the input"));
        var network = new Container(_spec.Body, "", 0, new Dictionary<string, int>(), 1, _spec.ClassName, null, null);
        int output = Expand(network, out int mainEnd);
        if (Failed) return false;
        // Lazy resolution leaves unread stages unbuilt, so the last main stage's output is the last node built before
        // the auxiliary heads, unless the network ends in a stage that computes nothing.
        if (output != mainEnd - 1 || output == 0)
        {
            Fail(Catalog.NoLayers, _spec.Location, _spec.ClassName);
            return false;
        }
        MainOutput = output;
        foreach (var (stage, aux) in AuxiliaryHeads)
            if (aux <= output)
            {
                Fail(Catalog.AuxiliaryHeadShape, stage.Location, stage.Name, _spec.ClassName, "computes nothing of its own: give it layers");
                return false;
            }
        return true;
    }

    /// <summary>
    /// Where a body is being expanded: the network itself, or one block instance inside it (Instance is then its
    /// name, e.g. "layer2.0", and UseSite the network attribute that diagnostics inside it are reported on).
    /// </summary>
    private sealed record Container(BodySpec Body, string Prefix, int Input, Dictionary<string, int> Arguments, int Stride,
        string Owner, string? Instance, LocationInfo? UseSite);

    private int Expand(Container c) => Expand(c, out _);

    /// <summary>
    /// Builds the body's output (its last stage that is not an auxiliary head), then, in a network, each auxiliary head;
    /// <paramref name="mainEnd"/> is the node count between the two.
    /// </summary>
    private int Expand(Container c, out int mainEnd)
    {
        var outputs = new int?[c.Body.Stages.Count];
        var visiting = new List<int>();
        var stages = c.Body.Stages;
        int lastMain = Enumerable.Range(0, stages.Count).LastOrDefault(i => !stages[i].IsAuxiliary);
        int last = Resolve(lastMain);
        mainEnd = Nodes.Count;
        for (int i = 0; i < stages.Count && !Failed && c.Instance is null; i++)
            if (stages[i].IsAuxiliary) AuxiliaryHeads.Add((stages[i], Resolve(i)));
        for (int i = 0; i < c.Body.Stages.Count && !Failed; i++)
            if (outputs[i] is null)
                Warn(Catalog.UnusedStage, c, c.Body.Stages[i].Location, c.Body.Stages[i].Name, c.Owner);
        return last;

        int Resolve(int index)
        {
            if (Failed) return -1;
            if (outputs[index] is int done) return done;
            var stage = c.Body.Stages[index];
            if (visiting.Contains(index)) return Cycle(index, stage.Location);
            visiting.Add(index);

            var layers = Enumerable.Range(stage.FirstLayer, stage.LayerCount).Select(i => c.Body.Layers[i]).ToList();
            // A stage that opens with Concat or Add reads only the stages it names, not the one before it.
            bool joinsFirst = layers.Count > 0 && !layers[0].IsUse && layers[0].Layer.Joins;
            // Auxiliary heads branch off: a stage reads the nearest main stage declared before it.
            int previous = index - 1;
            while (previous >= 0 && stages[previous].IsAuxiliary) previous--;
            int input = stage.From is { } from ? Reference(from, stage.FromLocation ?? stage.Location)
                : previous < 0 || joinsFirst ? c.Input : Resolve(previous);
            foreach (var layer in layers)
                foreach (var name in layer.Args.Inputs)
                    Reference(name, layer.Location);
            if (Failed) return -1;

            int first = Nodes.Count, position = 0, current = input;
            foreach (var layer in layers)
            {
                current = layer.IsUse ? Instantiate(c, layer, current, ref position)
                    : Add(c, layer, current, position++, layers.Count, name => Reference(name, layer.Location));
                if (Failed) return -1;
            }
            // A projection whose output already matches its input is the identity: drop its layers.
            if (stage.IsProjection && Nodes[current].Out == Nodes[input].Out)
            {
                Nodes.RemoveRange(first, Nodes.Count - first);
                current = input;
            }
            if (c.Instance is null) Stages[stage.Name] = (first, Nodes.Count - first, current);

            visiting.RemoveAt(visiting.Count - 1);
            outputs[index] = current;
            return current;
        }

        int Cycle(int index, LocationInfo? location)
        {
            var cycle = visiting.SkipWhile(v => v != index).Append(index).Select(v => c.Body.Stages[v].Name);
            Report(Catalog.Cycle, c, location, c.Owner, string.Join(" → ", cycle));
            return -1;
        }

        int Reference(string name, LocationInfo? location)
        {
            if (name == "input") return c.Input;
            for (int i = 0; i < c.Body.Stages.Count; i++)
            {
                if (c.Body.Stages[i].Name != name) continue;
                if (visiting.Contains(i)) return Cycle(i, location);   // reported where the reference closes the loop
                return Resolve(i);
            }
            Report(Catalog.UnknownStage, c, location, c.Owner, name, c.Owner,
                string.Join(", ", c.Body.Stages.Select(s => s.Name).Prepend("input")));
            return -1;
        }
    }

    /// <summary>Expands Repeat copies of a block; the first takes the use site's stride, the rest stride 1.</summary>
    private int Instantiate(Container c, LayerSpec spec, int current, ref int position)
    {
        var label = Label(c, spec);
        var use = (UseArgs)spec.Args;
        if (use.Block is null || !_blocks.TryGetValue(use.Block, out var block))
        {
            Report(Catalog.NotABlock, c, spec.Location, label, use.Block ?? "?", " (declare it as [Block(...)] partial class)");
            return -1;
        }
        if (block.Incomplete) return Fail();
        if (block.Parameters.Count != use.Arguments.Count)
        {
            ReportPointingTo(block.Location, Catalog.BlockArguments, c, spec.Location, label, block.Name, block.Parameters.Count,
                string.Join(", ", block.Parameters), use.Arguments.Count);
            return -1;
        }
        if (use.Repeat < 1 || use.Stride < 1)
        {
            Report(Catalog.InvalidArgument, c, spec.Location, label, block.Name, use.Repeat < 1 ? "repeat" : "stride",
                use.Repeat < 1 ? use.Repeat : use.Stride, "at least 1");
            return -1;
        }
        for (int r = 0; r < use.Repeat && !Failed; r++)
        {
            // A named single instance takes the name as it is ("inception3a"); otherwise instances count up ("layer1.0").
            string instance = spec.Name is not null && use.Repeat == 1 ? c.Prefix + spec.Name : $"{c.Prefix}{spec.Name ?? spec.Stage}.{position}";
            position++;
            var arguments = block.Parameters.Zip(use.Arguments, (name, value) => (name, value)).ToDictionary(p => p.name, p => p.value);
            var inner = new Container(block.Body, instance + ".", current, arguments, r == 0 ? use.Stride : 1, block.Name,
                instance, c.UseSite ?? spec.Location);
            current = Expand(inner);
        }
        return current;
    }

    /// <param name="reference">Resolves a stage name to its output node (already built by the stage's pre-pass).</param>
    private int Add(Container c, LayerSpec s, int input, int position, int stageLength, Func<string, int> reference)
    {
        var layer = s.Layer;
        var inputs = new List<int> { input };
        if (layer.Joins)
        {
            // First in its stage, the layer joins exactly the named stages; later, the stage's running value joins them too.
            if (position == 0) inputs.Clear();
            foreach (var name in s.Args.Inputs) inputs.Add(reference(name));
            if (inputs.Count < 2)
            {
                Report(Catalog.InvalidArgument, c, s.Location, Label(c, s), s.Kind, "inputs", inputs.Count, "at least 2");
                return -1;
            }
        }
        var checkedShape = layer.Check(new LayerCheck(this, c, s, inputs));
        if (checkedShape is null || Failed) return Fail();
        var output = checkedShape.Out;

        if (output.Size > int.MaxValue)
        {
            Report(Catalog.TooLarge, c, s.Location, _spec.ClassName, output.Size, "activations");
            return -1;
        }
        string layerName = c.Prefix + (s.Name ?? $"{s.Stage}.{position}");
        if (!_names.Add(layerName))
        {
            Report(Catalog.DuplicateName, c, s.Location, Label(c, s), layerName, c.Owner);
            return -1;
        }
        string display = position == stageLength - 1 ? Label(c, s) : $"{layerName} ({s.Kind})";
        var node = new GraphNode(Nodes.Count, layerName, c.Instance ?? s.Stage, s, output, inputs.ToArray(), display)
        {
            Window = checkedShape.Window, Tensors = checkedShape.Tensors.ToList(), MultiplyAdds = checkedShape.MultiplyAdds,
        };
        Nodes.Add(node);
        return node.Id;
    }

    /// <summary>What a layer's check sees of the graph being built: its inputs, and diagnostics on its attribute.</summary>
    private sealed class LayerCheck(GraphBuilder builder, Container c, LayerSpec s, List<int> inputs) : ShapeContext
    {
        private readonly string _label = Label(c, s);

        public override LayerArgs Args => s.Args;
        public override IReadOnlyList<Shape> Inputs { get; } = inputs.Select(i => builder.Nodes[i].Out).ToList();
        public override string Display(int input) => builder.Nodes[inputs[input]].Display;
        public override int Stride(int own, bool strided) => strided ? c.Stride : own;
        public override InitKind WeightInit => InitFor(c, s);

        public override int? Channels(int value, string? expression)
        {
            if (expression is null) return value;
            var names = new Dictionary<string, int>(c.Arguments) { ["in"] = X.C };
            int? channels = ChannelExpression.Evaluate(expression, names, out string? error);
            if (channels is null) builder.Report(Catalog.InvalidExpression, c, s.Location, _label, expression, error!);
            return channels;
        }

        public override void Report(DiagnosticDescriptor descriptor, params object[] arguments) =>
            builder.Report(descriptor, c, s.Location, new object[] { _label }.Concat(arguments).ToArray());

        public override bool Invalid(string what, object value, string expected)
        {
            builder.Report(Catalog.InvalidArgument, c, s.Location, _label, s.Kind, what, value, expected);
            return false;
        }

        public override bool Fits(long size, string what)
        {
            if (size <= int.MaxValue) return true;
            builder.Report(Catalog.TooLarge, c, s.Location, builder._spec.ClassName, size, what);
            return false;
        }

        /// <summary>Reports a kernel that does not fit its padded input, and warns when real rows after the last window go unread.</summary>
        public override bool Slide(Window window, out int height, out int width)
        {
            var x = X;
            int paddedH = x.H + 2 * window.PH, paddedW = x.W + 2 * window.PW;
            height = width = 0;
            if (paddedH < window.SpanH || paddedW < window.SpanW)
            {
                builder.Report(Catalog.KernelTooLarge, c, s.Location, _label, s.Kind, KernelText(window), x.H, x.W, Display(0), PaddingText(window), paddedH, paddedW);
                return false;
            }
            height = window.OutH(x.H);
            width = window.OutW(x.W);
            // Only padding left over is harmless, and so is a kernel smaller than its stride, which skips rows everywhere by design.
            int unreadH = x.H - ((height - 1) * window.SH - window.PH + window.SpanH), unreadW = x.W - ((width - 1) * window.SW - window.PW + window.SpanW);
            bool rows = unreadH > 0;
            if ((rows && window.SpanH >= window.SH) || (!rows && unreadW > 0 && window.SpanW >= window.SW))
            {
                int size = rows ? x.H : x.W, unread = rows ? unreadH : unreadW;
                builder.Warn(Catalog.StrideLeavesRemainder, c, s.Location, _label, s.Kind, KernelText(window), rows ? window.SH : window.SW, x.H, x.W, Display(0),
                    size - unread, size, unread);
            }
            return true;
        }

        private static string KernelText(Window w) => w.KH == w.KW && w.DH == 1 && w.DW == 1 ? $"{w.KH}" : w.DH == 1 && w.DW == 1 ? $"{w.KH}x{w.KW}" : $"{w.KH}x{w.KW} (dilated to {w.SpanH}x{w.SpanW})";
        private static string PaddingText(Window w) => w.PH == w.PW ? $"{w.PH}" : $"{w.PH},{w.PW}";
    }

    /// <summary>He for weights feeding a ReLU (through normalization, pooling or dropout), Xavier otherwise.</summary>
    private static InitKind InitFor(Container c, LayerSpec s)
    {
        var stage = c.Body.Stages.First(st => st.Name == s.Stage);
        for (int i = stage.FirstLayer + s.Index + 1; i < stage.FirstLayer + stage.LayerCount; i++)
        {
            var next = c.Body.Layers[i];
            if (next.IsUse) break;
            if (next.Layer.TransparentToInitialization) continue;
            return next.Layer.IsRectifier ? InitKind.HeNormal : InitKind.XavierUniform;
        }
        return InitKind.XavierUniform;
    }

    /// <summary>"C3" for a network stage; "layer2.0 (Bottleneck.body)" inside a block instance.</summary>
    private static string Label(Container c, LayerSpec s) => c.Instance is null ? s.Stage : $"{c.Instance} ({c.Owner}.{s.Stage})";

    /// <summary>Reports at the layer, or at the network's use site of the block with the block's layer as a second location.</summary>
    private void Report(DiagnosticDescriptor descriptor, Container c, LocationInfo? location, params object[] args) =>
        ReportPointingTo(null, descriptor, c, location, args);

    /// <summary>Like <see cref="Report"/>, with <paramref name="additional"/> as a second place to show.</summary>
    private void ReportPointingTo(LocationInfo? additional, DiagnosticDescriptor descriptor, Container c, LocationInfo? location, params object[] args)
    {
        Add(descriptor, c, location, additional, args);
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Error) Failed = true;
    }

    private void Warn(DiagnosticDescriptor descriptor, Container c, LocationInfo? location, params object[] args) => Add(descriptor, c, location, null, args);

    private void Add(DiagnosticDescriptor descriptor, Container c, LocationInfo? location, LocationInfo? additional, object[] args)
    {
        var info = DiagnosticInfo.Create(descriptor, c.UseSite ?? location, args);
        _diagnostics.Add(c.UseSite is null ? info with { Additional = additional } : info with { Additional = additional ?? location });
    }

    private int Fail(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] args)
    {
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));
        Failed = true;
        return -1;
    }

    private int Fail()
    {
        Failed = true;
        return -1;
    }
}

/// <summary>A layer instance in the graph, mutable only while the builder works.</summary>
internal sealed class GraphNode(int id, string name, string stage, LayerSpec? spec, Shape output, int[] inputs, string display)
{
    public int Id { get; } = id;
    public string Name { get; } = name;
    /// <summary>The network stage, or the block instance ("layer2.0"), the node belongs to.</summary>
    public string Stage { get; } = stage;
    public LayerSpec? Spec { get; } = spec;
    public Shape Out { get; } = output;
    public int[] Inputs { get; } = inputs;
    /// <summary>How messages name this node's output: "C1", or "C1.0 (Conv)" for an inner layer.</summary>
    public string Display { get; } = display;
    public Window? Window { get; set; }
    public List<GraphTensor> Tensors { get; set; } = new();
    public long MultiplyAdds { get; set; }
}
