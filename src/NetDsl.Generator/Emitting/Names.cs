using System.Collections.Generic;
using System.Linq;
using System.Text;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// What the CPU and CUDA emitters name alike: C# identifiers for a plan's nodes ("layer1.0.conv1" → "layer1_0_conv1",
/// unique within the network) and the comment that narrates each layer.
/// </summary>
internal static class Names
{
    public static string[] Identifiers(NetworkPlan plan)
    {
        var used = new HashSet<string>();
        return plan.Nodes.Select(n =>
        {
            if (n.Id == 0) return "Input";
            var text = new StringBuilder();
            foreach (char c in n.Name) text.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
            string id = char.IsDigit(text[0]) ? "L" + text : text.ToString();
            while (!used.Add(id) || id is "Input" or "Logits" or "Probabilities" or "PerSample" or "ScratchPerWorker") id += "_" + n.Id;
            return id;
        }).ToArray();
    }

    /// <summary>The shape comment on every layer: <c>// C1.0 Conv 5x5/1 pad 2: (N,1,28,28) -> (N,6,28,28), 156 params</c>.</summary>
    public static string Narrate(NodePlan l)
    {
        string inputs = l.Inputs.Count > 1 ? string.Join(" + ", l.InShapes.Select(i => i.Batched)) : l.In.Batched;
        string parameters = l.Parameters > 0 ? $", {CodeWriter.N(l.Parameters)} params" : "";
        return $"// {l.Name} {l.Kind}{l.Layer.Detail(l)}: {inputs} -> {l.Out.Batched}{parameters}";
    }
}
