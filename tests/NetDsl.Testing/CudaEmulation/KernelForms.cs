using System.Text.RegularExpressions;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>
/// The kernel forms a generated CUDA program uses. A form is a netdsl:: function that one of its __global__ kernels
/// calls, or a functor it constructs (ThroughPool), with the template arguments that select code: flags and variants
/// such as Bias, Act, Max and Team (<see cref="TemplateParameter.SelectsCode"/>), not sizes. Programs that share a
/// form run the same code with other constants, so one emulated training step proves the form for all of them.
/// Arguments are matched to parameters by the headers' declarations, defaults filled in, so a header that reorders,
/// adds or drops parameters (sizes that become runtime arguments) needs no change here.
/// </summary>
public sealed partial class KernelForms(IReadOnlyDictionary<string, TemplateParameter[]> templates)
{
    private static readonly Lazy<KernelForms> shipped = new(() => new KernelForms(CudaTemplates.Declared(
        Directory.EnumerateFiles(CudaEmulationSource.KernelsDirectory, "*.cuh").Select(File.ReadAllText))));

    /// <summary>Forms as the repository's headers (src/NetDsl.Runtime/Cuda/Kernels/*.cuh) declare them.</summary>
    public static KernelForms Shipped => shipped.Value;

    /// <summary>The forms <paramref name="cudaSource"/>'s kernels use, such as <c>conv2d_forward_tc&lt;Bias=true, Act=1&gt;</c>.</summary>
    public SortedSet<string> Of(string cudaSource)
    {
        string source = CudaText.WithoutComments(cudaSource);
        var forms = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match kernel in Kernel().Matches(source))
        {
            int open = kernel.Index + kernel.Length - 1;
            string body = source[open..CudaText.Closing(source, open)];
            foreach (Match name in NetDslName().Matches(body))
                if (FormAt(body, name) is { } form) forms.Add(form);
        }
        return forms;
    }

    /// <summary>The form called or constructed at <paramref name="name"/>; null for a type argument (netdsl::Block).</summary>
    private string? FormAt(string body, Match name)
    {
        int next = name.Index + name.Length;
        List<string> arguments = [];
        if (next < body.Length && body[next] == '<')
        {
            int close = CudaText.Closing(body, next);
            arguments = CudaText.SplitList(body[(next + 1)..close]);
            for (next = close + 1; next < body.Length && char.IsWhiteSpace(body[next]); next++) { }
        }
        if (next >= body.Length || body[next] is not ('(' or '{')) return null;

        string function = name.Groups["name"].Value;
        if (!templates.TryGetValue(function, out var parameters))
            return arguments.Count == 0 ? function   // a plain function: netdsl::add, netdsl::step_seed
                : throw new FormatException($"netdsl::{function}<{string.Join(", ", arguments)}> is called, but no header declares a template {function}");
        if (arguments.Count > parameters.Length)
            throw new FormatException($"netdsl::{function} gets {arguments.Count} template arguments; the headers declare " +
                                      $"<{string.Join(", ", parameters.AsEnumerable())}>");

        // Explicit arguments, then defaults; parameters deduced from the call's arguments (a functor's type) stay out.
        var selecting = parameters.Select((p, i) => (p, Value: i < arguments.Count ? arguments[i] : p.Default))
            .Where(a => a.p.SelectsCode && a.Value is not null)
            .Select(a => $"{a.p.Name}={Normalized(a.Value!)}").ToList();
        return selecting.Count == 0 ? function : $"{function}<{string.Join(", ", selecting)}>";
    }

    private static string Normalized(string argument) => Regex.Replace(argument, @"\s+", " ").Replace("netdsl::", "");

    [GeneratedRegex(@"__global__[^{;]*\{")]
    private static partial Regex Kernel();

    [GeneratedRegex(@"\bnetdsl::(?<name>\w+)\s*")]
    private static partial Regex NetDslName();
}
