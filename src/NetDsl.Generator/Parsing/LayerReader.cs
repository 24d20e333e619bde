using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>Turns one layer attribute into a <see cref="LayerSpec"/>; its kind reads the arguments, the checker judges them.</summary>
internal static class LayerReader
{
    /// <summary>
    /// Null for attributes that are not NetDsl layers, or that the compiler could not bind (sets incomplete).
    /// <paramref name="block"/> is the block class of a Use attribute.
    /// </summary>
    public static LayerSpec? Read(string stage, int index, AttributeData attribute, CancellationToken ct, ref bool incomplete, out INamedTypeSymbol? block)
    {
        block = null;
        var type = attribute.AttributeClass;
        if (type is null || type.TypeKind == TypeKind.Error || type.ContainingNamespace?.ToDisplayString() != "NetDsl") return null;
        bool use = type.Name == "UseAttribute" && type.IsGenericType;
        var layer = use ? null : Layer.ForAttribute(type.Name);
        if (!use && layer is null) return null;
        if (attribute.AttributeConstructor is null || IsUnreadable(attribute))
        {
            incomplete = true;
            return null;
        }

        var arguments = new AttributeArguments(attribute);
        var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(ct));
        string? name = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Name").Value.Value as string;
        if (layer is not null) return new LayerSpec(stage, index, layer.Name, name, location, layer.Read(arguments));

        block = type.TypeArguments[0] as INamedTypeSymbol;
        return new LayerSpec(stage, index, LayerSpec.UseKind, name, location,
            new UseArgs(block?.ToDisplayString(), arguments.Ints(0), arguments.Int("Stride"), arguments.Int("Repeat")));
    }

    /// <summary>Any argument the compiler could not evaluate (an editor mid-keystroke) makes the layer unreadable.</summary>
    private static bool IsUnreadable(AttributeData attribute) =>
        attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
        || attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error);

    internal static string[] Strings(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Array ? constant.Values.Select(v => v.Value as string ?? "").ToArray()
        : constant.Value is string s ? new[] { s } : System.Array.Empty<string>();
}
