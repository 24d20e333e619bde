namespace NetDsl.Runtime.Cuda;

/// <summary>
/// What <see cref="CudaLibraries"/> reads to list candidate library paths: environment variables, the platform and
/// where Python and the CUDA toolkit usually live. A parameter so the candidate lists are testable without the
/// process environment or the machine's own installations.
/// </summary>
internal sealed record LibrarySearchEnvironment(
    Func<string, string?> GetVariable,
    bool IsWindows,
    string? HomeDirectory,
    IReadOnlyList<string> CommonPythonPrefixes,
    IReadOnlyList<string> CommonToolkitDirectories)
{
    public static LibrarySearchEnvironment Current() => new(
        Environment.GetEnvironmentVariable,
        OperatingSystem.IsWindows(),
        NullIfEmpty(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)),
        OperatingSystem.IsWindows() ? [] : ["/usr/local", "/usr"],
        OperatingSystem.IsWindows() ? [] : ["/usr/local/cuda"]);

    /// <summary>A variable's value, or null when it is unset or empty (an empty override means "no override").</summary>
    public string? Variable(string name) => NullIfEmpty(GetVariable(name));

    static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
