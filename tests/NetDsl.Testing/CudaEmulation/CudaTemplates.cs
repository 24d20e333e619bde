using System.Text.RegularExpressions;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>A template parameter as declared; <see cref="SelectsCode"/> tells a flag or variant from a size.</summary>
public sealed partial record TemplateParameter(string Kind, string Name, string? Default)
{
    /// <summary>Integer parameters that choose code rather than size something: the fused activation (0 none, 1 ReLU, 2 tanh, 3 sigmoid).</summary>
    private static readonly HashSet<string> IntegerVariants = ["Act"];

    /// <summary>Flags and variants (bool, class, enum… and <see cref="IntegerVariants"/>) select code; other integers are sizes.</summary>
    public bool SelectsCode => !IntegerKind().IsMatch(Kind) || IntegerVariants.Contains(Name);

    public override string ToString() => Default is null ? $"{Kind} {Name}" : $"{Kind} {Name} = {Default}";

    [GeneratedRegex(@"^((un)?signed\s+)?(int|long|long\s+long|short)$|^(un)?signed$")]
    private static partial Regex IntegerKind();
}

/// <summary>The template functions and functors the NetDsl headers declare, by name, with their parameters in order.</summary>
public static partial class CudaTemplates
{
    /// <summary>Every <c>template &lt;…&gt;</c> declaration in <paramref name="headers"/> (the text of .cuh files).</summary>
    public static Dictionary<string, TemplateParameter[]> Declared(IEnumerable<string> headers)
    {
        var declared = new Dictionary<string, TemplateParameter[]>();
        foreach (string header in headers.Select(CudaText.WithoutComments))
            foreach (Match template in Template().Matches(header))
            {
                int close = CudaText.Closing(header, template.Index + template.Length - 1);
                var name = DeclaredName().Match(header, close + 1);
                if (!name.Success) continue;   // a template of something else (an alias, a variable)
                var parameters = CudaText.SplitList(header[(template.Index + template.Length)..close]).Select(Parameter).ToArray();
                if (declared.TryGetValue(name.Groups["name"].Value, out var earlier) && !earlier.SequenceEqual(parameters))
                    throw new FormatException($"netdsl::{name.Groups["name"].Value} is declared twice with different template parameters: " +
                                              $"<{string.Join(", ", earlier)}> and <{string.Join(", ", parameters)}>");
                declared[name.Groups["name"].Value] = parameters;
            }
        return declared;
    }

    private static TemplateParameter Parameter(string declaration)
    {
        var parts = ParameterParts().Match(declaration);
        if (!parts.Success) throw new FormatException($"Unreadable template parameter '{declaration}'");
        return new TemplateParameter(Regex.Replace(parts.Groups["kind"].Value, @"\s+", " "), parts.Groups["name"].Value,
            parts.Groups["default"].Success ? parts.Groups["default"].Value.Trim() : null);
    }

    [GeneratedRegex(@"\btemplate\s*<")]
    private static partial Regex Template();

    // What follows the parameter list up to the declared name: "__device__ __forceinline__ float activate(" or "struct ThroughPool {".
    [GeneratedRegex(@"\G[^;{}()<>]*?\b(?<name>\w+)\s*[({]")]
    private static partial Regex DeclaredName();

    [GeneratedRegex(@"^(?<kind>.+?)\s+(?<name>\w+)\s*(=(?<default>.+))?$", RegexOptions.Singleline)]
    private static partial Regex ParameterParts();
}
