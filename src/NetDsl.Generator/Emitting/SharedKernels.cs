using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// One kernel per distinct body rather than one per layer. NVRTC's time grows with the number of kernels (ptxas compiles
/// each one whole), and deep networks repeat the same layer at different places: ResNet-50's 577 layer kernels are 21
/// distinct bodies once the buffer offsets, element counts and shapes (tensor-core convolutions, BatchNorm) move into
/// the launch, which passes them in <c>NetDslArgs.values</c> (netdsl_abi.cuh). Everything else (template arguments,
/// constants) stays in the body.
/// </summary>
internal sealed class SharedKernels
{
    /// <summary>NETDSL_LAUNCH_VALUES in netdsl_abi.cuh: how many values one launch can pass.</summary>
    public const int Capacity = 16;

    // The numbers that vary between otherwise equal layers, numbered in the order they appear: buffer offsets, a
    // grid-stride kernel's element count, the run-time shape of a tensor-core convolution, and any number an emitter
    // marks LAUNCH_VALUE(n).
    private static readonly Regex Varying = new(
        @"\b(?<buffer>SLOT|GRAD|PARAM|PGRAD|STATS)\((?<offset>\d+)\)" +
        @"|\(long long\)a\.n \* (?<count>\d+)" +
        @"|netdsl::ConvShape\{(?<shape>[\d, ]+)\}" +
        @"|LAUNCH_VALUE\((?<marked>\d+)\)");
    private static readonly Regex Function = new(@"netdsl::(\w+)");

    private sealed class Kernel(string name, string qualifiers, IReadOnlyList<string> body)
    {
        public string Name { get; } = name;
        public string Qualifiers { get; } = qualifiers;
        public IReadOnlyList<string> Body { get; } = body;
        public List<string> Narrations { get; } = new();
    }

    private readonly Dictionary<string, Kernel> _byBody = new();
    private readonly List<Kernel> _inOrder = new();
    private readonly Dictionary<string, int> _perFunction = new();

    /// <summary>
    /// The kernel that runs <paramref name="body"/> and the values its launch passes; <paramref name="qualifiers"/>
    /// (such as <c>__launch_bounds__(128, 4)</c>) go before the kernel's name.
    /// </summary>
    public (string Name, long[] Values) Add(string narration, string qualifiers, IReadOnlyList<string> body)
    {
        var values = new List<long>();
        string Take(string number)
        {
            values.Add(long.Parse(number, System.Globalization.CultureInfo.InvariantCulture));
            return $"a.values[{values.Count - 1}]";
        }
        var generic = body.Select(line => Varying.Replace(line, m =>
        {
            if (m.Groups["buffer"].Success) return $"{m.Groups["buffer"].Value}({Take(m.Groups["offset"].Value)})";
            if (m.Groups["count"].Success) return $"(long long)a.n * {Take(m.Groups["count"].Value)}";
            if (m.Groups["marked"].Success) return Take(m.Groups["marked"].Value);
            int first = values.Count;
            foreach (string size in m.Groups["shape"].Value.Split(',')) Take(size.Trim());
            return $"netdsl::conv_shape(a.values + {first})";
        })).ToList();
        if (values.Count > Capacity) (generic, values) = (body.ToList(), new List<long>());   // too many to pass: its own kernel

        string key = qualifiers + "\n" + string.Join("\n", generic);
        if (!_byBody.TryGetValue(key, out var kernel))
        {
            string function = Function.Match(key) is { Success: true } m ? m.Groups[1].Value : "kernel";
            _perFunction.TryGetValue(function, out int index);
            _perFunction[function] = index + 1;
            kernel = new Kernel($"{function}_{index}", qualifiers, generic);
            _byBody.Add(key, kernel);
            _inOrder.Add(kernel);
        }
        kernel.Narrations.Add(narration);
        return (kernel.Name, values.ToArray());
    }

    /// <summary>Each kernel's source, in order of first use, under the narrations of the layers that run it.</summary>
    public IEnumerable<string> Source()
    {
        foreach (var kernel in _inOrder)
        {
            yield return "";
            foreach (string narration in kernel.Narrations) yield return narration;
            yield return $"extern \"C\" __global__ void {kernel.Qualifiers}{kernel.Name}(NetDslArgs a)";
            yield return "{";
            foreach (string line in kernel.Body) yield return "    " + line;
            yield return "}";
        }
    }
}
