using System.Collections.Generic;
using System.Linq;
using System.Text;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>C# identifiers for a plan's nodes ("layer1.0.conv1" → "layer1_0_conv1"), unique within the network.</summary>
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
}
