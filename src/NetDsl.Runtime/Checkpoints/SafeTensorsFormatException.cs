namespace NetDsl.Runtime.Checkpoints;

/// <summary>A safetensors file breaks the format; the message names the file, the tensor if one is at fault, and what is wrong.</summary>
/// <remarks>An <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed.</remarks>
public sealed class SafeTensorsFormatException : IOException
{
    public SafeTensorsFormatException(string filePath, string? tensorName, string problem, Exception? inner = null)
        : base(tensorName is null ? $"{filePath}: {problem}" : $"{filePath}: tensor '{tensorName}': {problem}", inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    public string FilePath { get; }

    /// <summary>The tensor at fault, or null when the problem is with the file as a whole.</summary>
    public string? TensorName { get; }
}
