using NetDsl.Runtime;

namespace NetDsl.Networks;

/// <summary>The networks the CLI knows by name.</summary>
public static class Zoo
{
    private static readonly Dictionary<string, Func<ICpuNetwork>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lenet5"] = () => new LeNet5(),
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>The network called <paramref name="name"/> (case-insensitive); an unknown name lists the known ones.</summary>
    public static ICpuNetwork Create(string name) =>
        Factories.TryGetValue(name, out var create) ? create()
            : throw new ArgumentException($"Unknown network '{name}'. Known networks: {string.Join(", ", Names)}.");
}
