namespace NetDsl.Runtime.Data;

/// <summary>A data set's folder or files are missing; the message says which and how to get them.</summary>
public sealed class DatasetNotFoundException : IOException
{
    public DatasetNotFoundException(string message, IReadOnlyList<string> missingPaths) : base(message)
    {
        MissingPaths = missingPaths;
    }

    /// <summary>The folder, or each missing file (named without its optional ".gz").</summary>
    public IReadOnlyList<string> MissingPaths { get; }
}
