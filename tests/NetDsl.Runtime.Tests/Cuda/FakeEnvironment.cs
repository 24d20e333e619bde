using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

/// <summary>A search environment with only the given variables and none of this machine's installations.</summary>
internal static class FakeEnvironment
{
    public static LibrarySearchEnvironment Linux(Dictionary<string, string>? variables = null, string? home = null) =>
        new(name => variables?.GetValueOrDefault(name), IsWindows: false, home, [], []);

    public static LibrarySearchEnvironment Windows(Dictionary<string, string>? variables = null) =>
        new(name => variables?.GetValueOrDefault(name), IsWindows: true, null, [], []);

    /// <summary>A loader that finds nothing, recording what it was asked for.</summary>
    public static CudaLibraries.NativeLoader NothingLoads(List<string> asked) => (string path, out string? error) =>
    {
        asked.Add(path);
        error = null;
        return 0;
    };
}
