using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>
/// One layer attribute's arguments, read while its symbol is at hand. A named argument the user did not set takes the
/// value of the attribute class's <c>Default{Name}</c> constant, so every default is written once, in NetDsl.
/// </summary>
internal sealed class AttributeArguments(AttributeData attribute)
{
    /// <summary>Constructor argument <paramref name="index"/> (optional ones arrive filled in by the compiler).</summary>
    public TypedConstant Positional(int index) =>
        index < attribute.ConstructorArguments.Length ? attribute.ConstructorArguments[index] : default;

    public int Int(int index) => Positional(index).Value as int? ?? 0;
    public double Double(int index) => Positional(index).Value as double? ?? 0;
    public string? String(int index) => Positional(index).Value as string;
    public EquatableArray<string> Strings(int index) => Parsing.LayerReader.Strings(Positional(index)).ToEquatableArray();
    public EquatableArray<int> Ints(int index) => Positional(index) is { Kind: TypedConstantKind.Array } array
        ? array.Values.Select(v => v.Value as int? ?? 0).ToEquatableArray() : EquatableArray<int>.Empty;

    public int Int(string name) => Named(name) as int? ?? 0;

    /// <summary>A named int[] of exactly two values (height, width), or <paramref name="square"/> twice when unset.</summary>
    public (int H, int W, bool Valid) Pair(string name, int square)
    {
        foreach (var named in attribute.NamedArguments)
            if (named.Key == name && !named.Value.IsNull)
                return named.Value.Values.Length == 2 && named.Value.Values.All(v => v.Value is int)
                    ? ((int)named.Value.Values[0].Value!, (int)named.Value.Values[1].Value!, true) : (0, 0, false);
        return (square, square, true);
    }
    public double Double(string name) => Named(name) as double? ?? 0;
    public bool Bool(string name) => Named(name) as bool? ?? false;

    /// <summary>An int constant of another NetDsl type (Pad.Same), read where it is declared rather than repeated here.</summary>
    public int? Constant(string type, string name) =>
        attribute.AttributeClass?.ContainingNamespace?.GetTypeMembers(type).FirstOrDefault()?.GetMembers(name)
            .OfType<IFieldSymbol>().FirstOrDefault() is { HasConstantValue: true, ConstantValue: int value } ? value : null;

    /// <summary>A named argument's value, else the attribute's <c>Default{name}</c> constant, else null.</summary>
    private object? Named(string name)
    {
        foreach (var named in attribute.NamedArguments)
            if (named.Key == name) return named.Value.Value;
        for (var type = attribute.AttributeClass; type is not null; type = type.BaseType)
            if (type.GetMembers("Default" + name).OfType<IFieldSymbol>().FirstOrDefault() is { HasConstantValue: true } constant)
                return constant.ConstantValue;
        return null;
    }
}
