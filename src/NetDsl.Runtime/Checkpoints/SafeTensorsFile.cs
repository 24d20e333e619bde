using System.Diagnostics.CodeAnalysis;

namespace NetDsl.Runtime.Checkpoints;

/// <summary>The contents of a safetensors file: its metadata and its tensors, by name and in file order.</summary>
public sealed class SafeTensorsFile
{
    private readonly Dictionary<string, SafeTensor> _byName;

    internal SafeTensorsFile(string path, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafeTensor> tensors)
    {
        Path = path;
        Metadata = metadata;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>The header's "__metadata__" map; empty if the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every tensor, in the order of their data in the file.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <exception cref="KeyNotFoundException">The file has no such tensor; the message lists the ones it has.</exception>
    public SafeTensor this[string name] => TryGetTensor(name, out var tensor)
        ? tensor
        : throw new KeyNotFoundException($"{Path} has no tensor named '{name}'; it has {DescribeNames()}.");

    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafeTensor tensor) => _byName.TryGetValue(name, out tensor);

    private string DescribeNames()
    {
        const int Shown = 20;
        if (Tensors.Count == 0) return "none";
        string names = string.Join(", ", Tensors.Take(Shown).Select(t => $"'{t.Name}'"));
        return Tensors.Count > Shown ? $"{names} and {Tensors.Count - Shown} more" : names;
    }
}
