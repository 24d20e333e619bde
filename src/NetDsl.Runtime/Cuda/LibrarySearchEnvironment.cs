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
    IReadOnlyList<string> CommonToolkitDirectories,
    IReadOnlyList<string>? LocalSearchStarts = null)
{
    public static LibrarySearchEnvironment Current() => new(
        Environment.GetEnvironmentVariable,
        OperatingSystem.IsWindows(),
        NullIfEmpty(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)),
        OperatingSystem.IsWindows() ? [] : ["/usr/local", "/usr"],
        OperatingSystem.IsWindows() ? [] : ["/usr/local/cuda"],
        [AppContext.BaseDirectory, Environment.CurrentDirectory]);

    /// <summary>
    /// Folders where scripts/get-nvrtc.sh unpacked NVRTC (<c>.nvrtc/&lt;version&gt;</c>), newest version first: the first
    /// <c>.nvrtc</c> found walking up from each of <see cref="LocalSearchStarts"/> (the app's folder, the working folder).
    /// </summary>
    public IEnumerable<string> LocalNvrtcFolders()
    {
        foreach (string start in (LocalSearchStarts ?? []).Distinct(StringComparer.Ordinal))
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                string root = Path.Combine(folder.FullName, LocalNvrtcFolder);
                if (!Directory.Exists(root)) continue;
                foreach (string version in Directory.GetDirectories(root).OrderByDescending(VersionOf))
                    yield return version;
                break;
            }
    }

    /// <summary>The folder name, at the repository's root, that scripts/get-nvrtc.sh fills.</summary>
    public const string LocalNvrtcFolder = ".nvrtc";

    static Version VersionOf(string folder) => Version.TryParse(Path.GetFileName(folder), out var v) ? v : new Version(0, 0);

    /// <summary>A variable's value, or null when it is unset or empty (an empty override means "no override").</summary>
    public string? Variable(string name) => NullIfEmpty(GetVariable(name));

    static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
