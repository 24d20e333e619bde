using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
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

    /// <summary>Builds the graph from the input node; returns false after reporting an error.</summary>
    public bool Build(Shape input)
    {
        Nodes.Add(new GraphNode(0, "input", "input", null, input, Array.Empty<int>(), "the input"));
        var network = new Container(_spec.Body, "", 0, new Dictionary<string, int>(), 1, _spec.ClassName, null, null);
        int output = Expand(network);
        if (Failed) return false;
        // Lazy resolution leaves unread stages unbuilt, so the last stage's output is the last node built, unless
        // the network ends in a stage that computes nothing.
        if (output == Nodes.Count - 1 && output > 0) return true;
        Fail(Catalog.NoLayers, _spec.Location, _spec.ClassName);
        return false;
    }

    /// <summary>
    /// Where a body is being expanded: the network itself, or one block instance inside it (Instance is then its
    /// name, e.g. "layer2.0", and UseSite the network attribute that diagnostics inside it are reported on).
    /// </summary>
    private sealed record Container(BodySpec Body, string Prefix, int Input, Dictionary<string, int> Arguments, int Stride,
        string Owner, string? Instance, LocationInfo? UseSite);

    private int Expand(Container c)
    {
        var outputs = new int?[c.Body.Stages.Count];
        var visiting = new List<int>();
        int last = Resolve(c.Body.Stages.Count - 1);
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
            bool joinsFirst = layers.Count > 0 && layers[0].Kind is LayerKind.Concat or LayerKind.Add;
            int input = stage.From is { } from ? Reference(from, stage.FromLocation ?? stage.Location)
                : index == 0 || joinsFirst ? c.Input : Resolve(index - 1);
            foreach (var layer in layers)
                foreach (var name in layer.Inputs)
                    Reference(name, layer.Location);
            if (Failed) return -1;

            int first = Nodes.Count, position = 0, current = input;
            foreach (var layer in layers)
            {
                current = layer.Kind == LayerKind.Use ? Instantiate(c, layer, current, ref position)
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
    private int Instantiate(Container c, LayerSpec use, int current, ref int position)
    {
        var label = Label(c, use);
        if (use.Block is null || !_blocks.TryGetValue(use.Block, out var block))
        {
            Report(Catalog.NotABlock, c, use.Location, label, use.Block ?? "?", " (declare it as [Block(...)] partial class)");
            return -1;
        }
        if (block.Incomplete) return Fail();
        if (block.Parameters.Count != use.Arguments.Count)
        {
            ReportPointingTo(block.Location, Catalog.BlockArguments, c, use.Location, label, block.Name, block.Parameters.Count,
                string.Join(", ", block.Parameters), use.Arguments.Count);
            return -1;
        }
        if (use.Repeat < 1 || use.Stride < 1)
        {
            Report(Catalog.InvalidArgument, c, use.Location, label, block.Name, use.Repeat < 1 ? "repeat" : "stride",
                use.Repeat < 1 ? use.Repeat : use.Stride, "at least 1");
            return -1;
        }
        for (int r = 0; r < use.Repeat && !Failed; r++)
        {
            // A named single instance takes the name as it is ("inception3a"); otherwise instances count up ("layer1.0").
            string instance = use.Name is not null && use.Repeat == 1 ? c.Prefix + use.Name : $"{c.Prefix}{use.Name ?? use.Stage}.{position}";
            position++;
            var arguments = block.Parameters.Zip(use.Arguments, (name, value) => (name, value)).ToDictionary(p => p.name, p => p.value);
            var inner = new Container(block.Body, instance + ".", current, arguments, r == 0 ? use.Stride : 1, block.Name,
                instance, c.UseSite ?? use.Location);
            current = Expand(inner);
        }
        return current;
    }

    /// <param name="reference">Resolves a stage name to its output node (already built by the stage's pre-pass).</param>
    private int Add(Container c, LayerSpec s, int input, int position, int stageLength, Func<string, int> reference)
    {
        string label = Label(c, s);
        var x = Nodes[input].Out;
        int stride = s.Strided ? c.Stride : s.Stride;
        var inputs = new List<int> { input };
        Shape output;
        var tensors = new List<GraphTensor>();
        long macs = 0;
        int kernel = s.Kernel, padding = s.Padding;

        switch (s.Kind)
        {
            case LayerKind.Conv:
                int? channels = s.SizeExpression is null ? s.Size : Evaluate(c, s, label, s.SizeExpression, x.C);
                if (channels is null) return -1;
                if (!Positive(c, s, label, "out channels", channels.Value) || !Positive(c, s, label, "kernel", kernel)
                    || !Positive(c, s, label, "stride", stride)) return -1;
                if (padding == -1)
                {
                    if (kernel % 2 == 0 || stride != 1)
                        return Invalid(c, s, label, "'same' padding", $"kernel {kernel}, stride {stride}", "used with an odd kernel and stride 1");
                    padding = (kernel - 1) / 2;
                }
                if (!AtLeast(c, s, label, "padding", padding, 0, "zero or more")) return -1;
                if (!Slide(c, s, label, input, kernel, stride, padding, false, out int h, out int w)) return -1;
                output = new Shape(channels.Value, h, w);
                int fanIn = x.C * kernel * kernel;
                tensors.Add(new GraphTensor("weight", new[] { channels.Value, x.C, kernel, kernel }, fanIn, channels.Value * kernel * kernel, InitFor(c, s), true));
                if (s.Bias) tensors.Add(new GraphTensor("bias", new[] { channels.Value }, fanIn, 0, InitKind.Zero, true));
                macs = output.Size * fanIn;
                break;
            case LayerKind.MaxPool or LayerKind.AvgPool:
                if (!Positive(c, s, label, "kernel", kernel) || !Positive(c, s, label, "stride", stride)
                    || !AtLeast(c, s, label, "padding", padding, 0, "zero or more")) return -1;
                if (padding * 2 > kernel) return Invalid(c, s, label, "padding", padding, $"at most half the kernel ({kernel / 2})");
                if (!Slide(c, s, label, input, kernel, stride, padding, s.CeilMode, out h, out w)) return -1;
                output = new Shape(x.C, h, w);
                break;
            case LayerKind.GlobalAvgPool or LayerKind.GlobalMaxPool:
                output = new Shape(x.C, 1, 1);
                (kernel, stride, padding) = (Math.Max(x.H, x.W), 1, 0);
                break;
            case LayerKind.Dense:
                if (!Positive(c, s, label, "units", s.Size)) return -1;
                output = new Shape(s.Size, 1, 1);
                if (x.Size > int.MaxValue) return Fail(Catalog.TooLarge, _spec.Location, _spec.ClassName, x.Size, "inputs to a dense layer");
                tensors.Add(new GraphTensor("weight", new[] { s.Size, (int)x.Size }, (int)x.Size, s.Size, InitFor(c, s), true));
                tensors.Add(new GraphTensor("bias", new[] { s.Size }, (int)x.Size, 0, InitKind.Zero, true));
                macs = (long)s.Size * x.Size;
                (kernel, stride, padding) = (Math.Max(x.H, x.W), 1, 0);
                break;
            case LayerKind.Dropout:
                if (!(s.Real >= 0 && s.Real < 1)) return Invalid(c, s, label, "probability", s.Real, "at least 0 and below 1");
                output = x;
                break;
            case LayerKind.BatchNorm:
                if (!(s.Real > 0)) return Invalid(c, s, label, "epsilon", s.Real, "positive");
                if (!(s.Real2 >= 0 && s.Real2 <= 1)) return Invalid(c, s, label, "momentum", s.Real2, "between 0 and 1");
                output = x;
                tensors.Add(new GraphTensor("weight", new[] { x.C }, 0, 0, InitKind.One, true));
                tensors.Add(new GraphTensor("bias", new[] { x.C }, 0, 0, InitKind.Zero, true));
                tensors.Add(new GraphTensor("running_mean", new[] { x.C }, 0, 0, InitKind.Zero, false));
                tensors.Add(new GraphTensor("running_var", new[] { x.C }, 0, 0, InitKind.One, false));
                break;
            case LayerKind.Lrn:
                if (!Positive(c, s, label, "size", s.Size)) return -1;
                if (!(s.Real4 > 0)) return Invalid(c, s, label, "k", s.Real4, "positive");
                output = x;
                break;
            case LayerKind.Concat or LayerKind.Add:
                // First in its stage, the layer joins exactly the named stages; later, the stage's running value joins them too.
                if (position == 0) inputs.Clear();
                foreach (var name in s.Inputs) inputs.Add(reference(name));
                if (inputs.Count < 2) return Invalid(c, s, label, "inputs", inputs.Count, "at least 2");
                output = Join(c, s, label, inputs);
                if (Failed) return -1;
                break;
            default:
                output = x;
                break;
        }

        if (output.Size > int.MaxValue) return Fail(Catalog.TooLarge, _spec.Location, _spec.ClassName, output.Size, "activations");
        string layerName = c.Prefix + (s.Name ?? $"{s.Stage}.{position}");
        if (!_names.Add(layerName))
        {
            Report(Catalog.DuplicateName, c, s.Location, label, layerName, c.Owner);
            return -1;
        }
        string display = position == stageLength - 1 ? label : $"{layerName} ({s.Kind})";
        var node = new GraphNode(Nodes.Count, layerName, c.Instance ?? s.Stage, s, output, inputs.ToArray(), display)
        {
            Kernel = kernel, Stride = stride, Padding = padding, Tensors = tensors, MultiplyAdds = macs,
        };
        Nodes.Add(node);
        return node.Id;
    }

    private Shape Join(Container c, LayerSpec s, string label, List<int> inputs)
    {
        var first = Nodes[inputs[0]];
        if (s.Kind == LayerKind.Add)
        {
            foreach (var i in inputs.Skip(1))
                if (Nodes[i].Out != first.Out)
                {
                    Report(Catalog.AddMismatch, c, s.Location, label, first.Display, first.Out, Nodes[i].Display, Nodes[i].Out);
                    return default;
                }
            return first.Out;
        }
        int channels = 0;
        foreach (var i in inputs)
        {
            var o = Nodes[i].Out;
            if (o.H != first.Out.H || o.W != first.Out.W)
            {
                Report(Catalog.ConcatMismatch, c, s.Location, label, first.Display, $"{first.Out.H}×{first.Out.W}", Nodes[i].Display, $"{o.H}×{o.W}");
                return default;
            }
            channels += o.C;
        }
        return new Shape(channels, first.Out.H, first.Out.W);
    }

    /// <summary>Output size of a sliding window (PyTorch's floor or ceil mode); reports a kernel that does not fit, warns on an uneven stride.</summary>
    private bool Slide(Container c, LayerSpec s, string label, int input, int kernel, int stride, int padding, bool ceil, out int height, out int width)
    {
        var x = Nodes[input].Out;
        int paddedH = x.H + 2 * padding, paddedW = x.W + 2 * padding;
        height = width = 0;
        if (paddedH < kernel || paddedW < kernel)
        {
            Report(Catalog.KernelTooLarge, c, s.Location, label, s.Kind, kernel, x.H, x.W, Nodes[input].Display, padding, paddedH, paddedW);
            return false;
        }
        height = Windows(x.H, kernel, stride, padding, ceil);
        width = Windows(x.W, kernel, stride, padding, ceil);
        // Real input rows after the last window are never read. Only padding left over is harmless, and so is a
        // kernel smaller than its stride, which skips rows everywhere by design.
        int unreadH = x.H - ((height - 1) * stride - padding + kernel), unreadW = x.W - ((width - 1) * stride - padding + kernel);
        if (kernel >= stride && (unreadH > 0 || unreadW > 0))
        {
            bool rows = unreadH > 0;
            int size = rows ? x.H : x.W, unread = rows ? unreadH : unreadW;
            Warn(Catalog.StrideLeavesRemainder, c, s.Location, label, s.Kind, kernel, stride, x.H, x.W, Nodes[input].Display,
                size - unread, size, unread);
        }
        return true;
    }

    /// <summary>PyTorch's pooling output size: in ceil mode the last window must start inside the input or its left padding.</summary>
    internal static int Windows(int size, int kernel, int stride, int padding, bool ceil)
    {
        int span = size + 2 * padding - kernel;
        int count = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (count - 1) * stride >= size + padding) count--;
        return count;
    }

    /// <summary>He for weights feeding a ReLU (through normalization, pooling or dropout), Xavier otherwise.</summary>
    private static InitKind InitFor(Container c, LayerSpec s)
    {
        var stage = c.Body.Stages.First(st => st.Name == s.Stage);
        for (int i = stage.FirstLayer + s.Index + 1; i < stage.FirstLayer + stage.LayerCount; i++)
        {
            var kind = c.Body.Layers[i].Kind;
            if (kind is LayerKind.MaxPool or LayerKind.AvgPool or LayerKind.Dropout or LayerKind.BatchNorm or LayerKind.Lrn) continue;
            return kind == LayerKind.Relu ? InitKind.HeNormal : InitKind.XavierUniform;
        }
        return InitKind.XavierUniform;
    }

    private int? Evaluate(Container c, LayerSpec s, string label, string expression, int inChannels)
    {
        var names = new Dictionary<string, int>(c.Arguments) { ["in"] = inChannels };
        int? value = ChannelExpression.Evaluate(expression, names, out string? error);
        if (value is null) Report(Catalog.InvalidExpression, c, s.Location, label, expression, error!);
        return value;
    }

    /// <summary>"C3" for a network stage; "layer2.0 (Bottleneck.body)" inside a block instance.</summary>
    private static string Label(Container c, LayerSpec s) => c.Instance is null ? s.Stage : $"{c.Instance} ({c.Owner}.{s.Stage})";

    private bool Positive(Container c, LayerSpec s, string label, string what, int value) => AtLeast(c, s, label, what, value, 1, "at least 1");

    private bool AtLeast(Container c, LayerSpec s, string label, string what, int value, int minimum, string expected) =>
        value >= minimum || Invalid(c, s, label, what, value, expected) >= 0;

    private int Invalid(Container c, LayerSpec s, string label, string what, object value, string expected)
    {
        Report(Catalog.InvalidArgument, c, s.Location, label, s.Kind, what, value, expected);
        return -1;
    }

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

/// <summary>A tensor a layer owns, before offsets are assigned.</summary>
internal sealed record GraphTensor(string Role, int[] Dims, int FanIn, int FanOut, InitKind Init, bool Trainable)
{
    public int Length => Dims.Aggregate(1, (a, b) => a * b);
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
    public int Kernel { get; set; }
    public int Stride { get; set; }
    public int Padding { get; set; }
    public List<GraphTensor> Tensors { get; set; } = new();
    public long MultiplyAdds { get; set; }
}
