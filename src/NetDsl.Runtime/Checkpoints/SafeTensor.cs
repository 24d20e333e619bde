using System.Collections.Immutable;

namespace NetDsl.Runtime.Checkpoints;

/// <summary>A tensor read from a safetensors file, converted to float whatever its stored type.</summary>
public sealed class SafeTensor
{
    internal SafeTensor(string name, SafeTensorsDType dtype, ImmutableArray<int> shape, float[] data)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    public string Name { get; }

    /// <summary>The type the file stores; <see cref="Data"/> holds the values converted to float.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>Empty for a scalar.</summary>
    public ImmutableArray<int> Shape { get; }

    /// <summary>Row-major values.</summary>
    public float[] Data { get; }

    public override string ToString() => $"{Name}: {DType} [{string.Join(", ", Shape)}]";
}
