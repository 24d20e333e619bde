namespace NetDsl;

/// <summary>A per-sample activation shape (channels, height, width). Dense outputs are (units, 1, 1).</summary>
public readonly record struct Shape(int Channels, int Height, int Width)
{
    public int Size => Channels * Height * Width;
    public override string ToString() => Height == 1 && Width == 1 ? $"({Channels})" : $"({Channels},{Height},{Width})";
}
