using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// Turns one layer attribute into a <see cref="LayerSpec"/>; values are checked later, not here. Defaults of
/// unspecified named arguments repeat the attribute classes' defaults (the generator cannot reference NetDsl).
/// </summary>
internal static class LayerReader
{
    /// <summary>
    /// Null for attributes that are not NetDsl layers, or that the compiler could not bind (sets incomplete).
    /// <paramref name="block"/> is the block class of a Use attribute.
    /// </summary>
    public static LayerSpec? Read(string stage, int index, AttributeData attribute, CancellationToken ct, ref bool incomplete, out INamedTypeSymbol? block)
    {
        block = null;
        var kind = KindOf(attribute.AttributeClass);
        if (kind is null) return null;
        if (attribute.AttributeConstructor is null || IsUnreadable(attribute))
        {
            incomplete = true;
            return null;
        }

        var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(ct));
        var first = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0] : default;
        var spec = new LayerSpec(stage, index, kind.Value, Named<string>(attribute, "Name"), location);
        switch (kind.Value)
        {
            case LayerKind.Conv:
                return spec with
                {
                    Size = first.Value as int? ?? 0, SizeExpression = first.Value as string,
                    Kernel = Named<int?>(attribute, "Kernel") ?? 3, Stride = Named<int?>(attribute, "Stride") ?? 1,
                    Padding = Named<int?>(attribute, "Padding") ?? 0, Strided = Named<bool>(attribute, "Strided"),
                    Bias = Named<bool?>(attribute, "Bias") ?? true,
                };
            case LayerKind.MaxPool or LayerKind.AvgPool:
                int kernel = first.Value as int? ?? 0;
                int stride = Named<int?>(attribute, "Stride") ?? 0;
                return spec with
                {
                    Kernel = kernel, Stride = stride == 0 ? kernel : stride, Padding = Named<int?>(attribute, "Padding") ?? 0,
                    CeilMode = Named<bool>(attribute, "CeilMode"), Strided = Named<bool>(attribute, "Strided"),
                };
            case LayerKind.Dense:
                return spec with { Size = first.Value as int? ?? 0 };
            case LayerKind.Dropout:
                return spec with { Real = first.Value as double? ?? 0.5 };
            case LayerKind.BatchNorm:
                return spec with { Real = Named<double?>(attribute, "Epsilon") ?? 1e-5, Real2 = Named<double?>(attribute, "Momentum") ?? 0.1 };
            case LayerKind.Lrn:
                return spec with
                {
                    Size = first.Value as int? ?? 5, Real2 = Named<double?>(attribute, "Alpha") ?? 1e-4,
                    Real3 = Named<double?>(attribute, "Beta") ?? 0.75, Real4 = Named<double?>(attribute, "K") ?? 2.0,
                };
            case LayerKind.Concat or LayerKind.Add:
                return spec with { Inputs = Strings(first).ToEquatableArray() };
            case LayerKind.Use:
                block = attribute.AttributeClass!.TypeArguments[0] as INamedTypeSymbol;
                return spec with
                {
                    Block = block?.ToDisplayString(), Arguments = first.Kind == TypedConstantKind.Array
                        ? first.Values.Select(v => v.Value as int? ?? 0).ToEquatableArray() : EquatableArray<int>.Empty,
                    Stride = Named<int?>(attribute, "Stride") ?? 1, Repeat = Named<int?>(attribute, "Repeat") ?? 1,
                };
            default:
                return spec;
        }
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
            "BatchNormAttribute" => LayerKind.BatchNorm,
            "LrnAttribute" => LayerKind.Lrn,
            "GlobalAvgPoolAttribute" => LayerKind.GlobalAvgPool,
            "GlobalMaxPoolAttribute" => LayerKind.GlobalMaxPool,
            "ConcatAttribute" => LayerKind.Concat,
            "AddAttribute" => LayerKind.Add,
            "UseAttribute" when attributeClass.IsGenericType => LayerKind.Use,
            _ => null,
        };
    }

    /// <summary>Any argument the compiler could not evaluate (an editor mid-keystroke) makes the layer unreadable.</summary>
    private static bool IsUnreadable(AttributeData attribute) =>
        attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
        || attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error);

    internal static string[] Strings(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Array ? constant.Values.Select(v => v.Value as string ?? "").ToArray()
        : constant.Value is string s ? new[] { s } : System.Array.Empty<string>();

    private static T? Named<T>(AttributeData attribute, string name)
    {
        foreach (var named in attribute.NamedArguments)
            if (named.Key == name && named.Value.Value is T value) return value;
        return default;
    }
}
