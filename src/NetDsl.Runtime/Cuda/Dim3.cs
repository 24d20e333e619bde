namespace NetDsl.Runtime.Cuda;

/// <summary>A grid or block size.</summary>
public readonly record struct Dim3(uint X, uint Y = 1, uint Z = 1)
{
    public static implicit operator Dim3(uint x) => new(x);

    public override string ToString() => $"({X}, {Y}, {Z})";
}
