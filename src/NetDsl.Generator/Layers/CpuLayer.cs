using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>
/// One layer's place in the generated CPU passes: its buffers as C# expressions over the workspace and the parameter
/// (p) and gradient (g) buffers, and the writer its calls go to.
/// </summary>
internal sealed class CpuLayer(NetworkPlan plan, string[] ids, CodeWriter writer, NodePlan layer)
{
    /// <summary>The CPU kernels' namespace, as generated code names it.</summary>
    public const string Kernels = "global::NetDsl.Runtime.Cpu.";

    public NodePlan L => layer;

    public CodeWriter Writer => writer;

    public void Line(string line) => writer.Line(line);

    /// <summary>The layer's output slot for samples [n0, n1).</summary>
    public string Y => Slot(ids[layer.Id], layer.Out.Size);

    public string X(int input = 0) => Slot(ids[layer.Inputs[input]], plan.Nodes[layer.Inputs[input]].Out.Size);

    public string Dy => GradSlot(ids[layer.Id], layer.Out.Size);

    /// <summary>Where input i's gradient goes (its producer's slot, or a private one when several layers read it); null when none is needed.</summary>
    public string? Dx(int input = 0)
    {
        if (plan.EdgeInto(layer.Id, input) is not { } edge) return null;
        var producer = plan.Nodes[edge.Producer];
        return GradSlot(edge.Slot == producer.Slot ? ids[producer.Id] : LayoutEmitter.EdgeName(ids, edge), producer.Out.Size);
    }

    /// <summary>Input 0's gradient, or an empty span: kernels skip the input gradient when it is empty.</summary>
    public string DxOrEmpty => Dx() ?? Empty;

    public const string Empty = "global::System.Span<T>.Empty";

    public string Mask => Slot(ids[layer.Id] + "_Mask", layer.Out.Size);

    /// <summary>The layer's geometry field (see <see cref="Layer.CpuGeometry"/>), passed by reference.</summary>
    public string Geometry => $"in LayerGeometry.{ids[layer.Id]}";

    /// <summary>A tensor's slice of the parameters; an absent one (no bias) is an empty span.</summary>
    public string Param(string role) => Tensor(role, "p");

    public string Grad(string role) => Tensor(role, "g");

    private string Tensor(string role, string buffer) =>
        layer.Tensor(role) is { } t ? $"{buffer}.Slice(ParameterSlices.{LayoutEmitter.Slice(t)}, {t.Length})" : Empty;

    private static string Slot(string name, long size) => $"ws.Slot(WorkspaceSlots.{name}, {size}, n0, n1)";
    private static string GradSlot(string name, long size) => $"ws.GradSlot(WorkspaceSlots.{name}, {size}, n0, n1)";
}
