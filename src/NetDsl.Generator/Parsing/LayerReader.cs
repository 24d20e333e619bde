using System.Threading;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>Turns one layer attribute into a <see cref="LayerSpec"/>; values are checked later, not here.</summary>
internal static class LayerReader
{
    /// <summary>Null for attributes that are not NetDsl layers, or that the compiler could not bind (sets incomplete).</summary>
    public static LayerSpec? Read(string stage, int index, AttributeData attribute, CancellationToken ct, ref bool incomplete)
    {
        var kind = KindOf(attribute.AttributeClass);
        if (kind is null) return null;
        if (attribute.AttributeConstructor is null)
        {
            incomplete = true;
            return null;
        }

        var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(ct));
        int? first = attribute.ConstructorArguments.Length > 0 ? AsInt(attribute.ConstructorArguments[0]) : null;
        int? kernel = Named(attribute, "Kernel"), stride = Named(attribute, "Stride"), padding = Named(attribute, "Padding");
        if (IsUnreadable(attribute))
        {
            incomplete = true;
            return null;
        }

        return kind.Value switch
        {
            LayerKind.Conv => new LayerSpec(stage, index, kind.Value, first ?? 0, kernel ?? 3, stride ?? 1, padding ?? 0, 0, location),
            LayerKind.MaxPool or LayerKind.AvgPool => new LayerSpec(stage, index, kind.Value, 0, first ?? 0,
                stride is null or 0 ? first ?? 0 : stride.Value, 0, 0, location),
            LayerKind.Dense => new LayerSpec(stage, index, kind.Value, first ?? 0, 0, 0, 0, 0, location),
            LayerKind.Dropout => new LayerSpec(stage, index, kind.Value, 0, 0, 0, 0,
                attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is double p ? p : 0.5, location),
            _ => new LayerSpec(stage, index, kind.Value, 0, 0, 0, 0, 0, location),
        };
    }

    private static LayerKind? KindOf(INamedTypeSymbol? attributeClass)
    {
        if (attributeClass is null || attributeClass.TypeKind == TypeKind.Error) return null;
        if (attributeClass.ContainingNamespace?.ToDisplayString() != "NetDsl") return null;
        return attributeClass.Name switch
        {
            "ConvAttribute" => LayerKind.Conv,
            "MaxPoolAttribute" => LayerKind.MaxPool,
            "AvgPoolAttribute" => LayerKind.AvgPool,
            "DenseAttribute" => LayerKind.Dense,
            "DropoutAttribute" => LayerKind.Dropout,
            "ReluAttribute" => LayerKind.Relu,
            "TanhAttribute" => LayerKind.Tanh,
            "SigmoidAttribute" => LayerKind.Sigmoid,
            _ => null,
        };
    }

    /// <summary>Any argument the compiler could not evaluate (an editor mid-keystroke) makes the layer unreadable.</summary>
    private static bool IsUnreadable(AttributeData attribute)
    {
        foreach (var argument in attribute.ConstructorArguments)
            if (argument.Kind == TypedConstantKind.Error) return true;
        foreach (var named in attribute.NamedArguments)
            if (named.Value.Kind == TypedConstantKind.Error) return true;
        return false;
    }

    private static int? Named(AttributeData attribute, string name)
    {
        foreach (var named in attribute.NamedArguments)
            if (named.Key == name) return AsInt(named.Value);
        return null;
    }

    private static int? AsInt(TypedConstant constant) => constant.Value is int i ? i : null;
}
