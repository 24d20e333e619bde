namespace NetDsl.Runtime.Data;

/// <summary>An IDX file is not what its header (or the IDX format) promises.</summary>
/// <remarks>An <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed; this also lets callers
/// handle missing and malformed data files in one place.</remarks>
public sealed class IdxFormatException : IOException
{
    public IdxFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
    }

    public string FilePath { get; }
}
