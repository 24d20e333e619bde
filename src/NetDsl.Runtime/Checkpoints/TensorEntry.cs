namespace NetDsl.Runtime.Checkpoints;

/// <summary>A named float32 tensor to write: row-major <paramref name="Data"/> whose length is the product of <paramref name="Shape"/> (1 for a scalar, shape []).</summary>
public sealed record TensorEntry(string Name, int[] Shape, float[] Data);
