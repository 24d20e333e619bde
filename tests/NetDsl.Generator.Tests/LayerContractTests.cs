using System.Reflection;
using NetDsl.Generator.Layers;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The bond between NetDsl's layer attributes and the generator's layer classes: every attribute has its class (found by
/// name, with no list to keep in step), and every default the generator must know is an attribute's Default… constant.
/// </summary>
public class LayerContractTests
{
    private static readonly Type[] LayerAttributes = typeof(LayerAttribute).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(LayerAttribute)) && !t.IsAbstract && !t.IsGenericType).ToArray();

    private static string KindOf(Type attribute) => attribute.Name[..^"Attribute".Length];

    [Fact]
    public void Every_layer_attribute_has_a_layer_class_and_every_layer_class_an_attribute()
    {
        Assert.All(LayerAttributes, a => Assert.NotNull(Layer.ForAttribute(a.Name)));
        var kinds = LayerAttributes.Select(KindOf).ToHashSet();
        Assert.All(Layer.All, layer => Assert.Contains(layer.Name, kinds));
    }

    /// <summary>
    /// The generator reads an unset named argument as the attribute's Default{Name} constant, or as zero/false without one.
    /// So a property whose initial value is not zero must have that constant, and the two must agree.
    /// </summary>
    [Fact]
    public void Every_nonzero_default_is_the_attributes_Default_constant()
    {
        foreach (var type in LayerAttributes)
        {
            var instance = Construct(type);
            foreach (var property in type.GetProperties().Where(p => p.CanWrite && p.Name != nameof(LayerAttribute.Name)))
            {
                object? value = property.GetValue(instance);
                var constant = FindConstant(type, "Default" + property.Name);
                bool isZero = value is null || value.Equals(Activator.CreateInstance(property.PropertyType));
                if (constant is null) Assert.True(isZero, $"{type.Name}.{property.Name} defaults to {value} but has no Default{property.Name} constant");
                else Assert.Equal(constant.GetRawConstantValue(), property.PropertyType.IsEnum ? (int)value! : value);
            }
        }
    }

    private static FieldInfo? FindConstant(Type type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.GetField(name, BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field) return field;
        return null;
    }

    /// <summary>An instance through its first constructor, with each argument's default or a valid placeholder.</summary>
    private static object Construct(Type type)
    {
        var constructor = type.GetConstructors().OrderBy(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters().Select(p => p.HasDefaultValue ? p.DefaultValue
            : p.ParameterType == typeof(string[]) ? new[] { "a", "b" }
            : p.ParameterType == typeof(string) ? "in" : Convert.ChangeType(1, p.ParameterType)).ToArray();
        return constructor.Invoke(arguments);
    }
}
