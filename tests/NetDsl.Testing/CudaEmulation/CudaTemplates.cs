using System.Text.RegularExpressions;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>A template parameter as declared; <see cref="SelectsCode"/> tells a flag or variant from a size.</summary>
public sealed partial record TemplateParameter(string Kind, string Name, string? Default)
{
    /// <summary>Integers that choose code rather than size something: the fused activation (0 none, 1 ReLU, 2 tanh, 3 sigmoid).</summary>
    private static readonly HashSet<string> IntegerVariants = ["Act"];

    /// <summary>Flags and variants (bool, class, enum types and <see cref="IntegerVariants"/>); other integers are sizes.</summary>
    public bool SelectsCode => !IntegerKind().IsMatch(Kind) || IntegerVariants.Contains(Name);

    public override string ToString() => Default is null ? $"{Kind} {Name}" : $"{Kind} {Name} = {Default}";

    [GeneratedRegex(@"^((un)?signed\s+)?(int|long|long\s+long|short)$|^(un)?signed$")]
    private static partial Regex IntegerKind();
}

/// <summary>The template functions and functors the NetDsl headers declare, by name, with their parameters in order.</summary>
public static partial class CudaTemplates
{
    /// <summary>Every <c>template &lt;…&gt;</c> function or struct in <paramref name="headers"/> (texts of .cuh files).</summary>
    public static Dictionary<string, TemplateParameter[]> Declared(IEnumerable<string> headers)
    {
        var declared = new Dictionary<string, TemplateParameter[]>();
        foreach (string header in headers.Select(CudaText.WithoutComments))
            foreach (Match template in Template().Matches(header))
            {
                int open = template.Index + template.Length - 1, close = CudaText.Closing(header, open);
                var declaration = DeclaredName().Match(header, close + 1);
                if (!declaration.Success) continue;   // a template of something else: an alias, a variable
                string name = declaration.Groups["name"].Value;
                var parameters = CudaText.SplitList(header[(open + 1)..close]).Select(Parameter).ToArray();
                if (declared.TryGetValue(name, out var earlier) && !earlier.SequenceEqual(parameters))
                    throw new FormatException($"netdsl::{name} is declared twice with different template parameters: " +
                                              $"<{string.Join(", ", earlier.AsEnumerable())}> and <{string.Join(", ", parameters.AsEnumerable())}>");
                declared[name] = parameters;
            }
        return declared;
    }

    private static TemplateParameter Parameter(string declaration)
    {
        var parts = ParameterParts().Match(declaration);
        if (!parts.Success) throw new FormatException($"Unreadable template parameter '{declaration}'");
        string kind = Regex.Replace(parts.Groups["kind"].Value, @"\s+", " ");
        return new TemplateParameter(kind, parts.Groups["name"].Value, parts.Groups["default"].Success ? parts.Groups["default"].Value.Trim() : null);
    }

    [GeneratedRegex(@"\btemplate\s*<")]
    private static partial Regex Template();

    // From the parameter list's end to the declared name: "__device__ __forceinline__ float activate(", "struct ThroughPool {".
    [GeneratedRegex(@"\G[^;{}()<>]*?\b(?<name>\w+)\s*[({]")]
    private static partial Regex DeclaredName();

    [GeneratedRegex(@"^(?<kind>.+?)\s+(?<name>\w+)\s*(=(?<default>.+))?$", RegexOptions.Singleline)]
    private static partial Regex ParameterParts();
}
