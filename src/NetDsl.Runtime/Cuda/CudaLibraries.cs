using System.Reflection;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// Finds the CUDA driver and NVRTC and binds <see cref="CudaApi"/> and <see cref="NvrtcApi"/> to them. Neither is
/// linked at build time, so NetDsl builds, and runs on the CPU, where neither exists.
/// </summary>
/// <remarks>
/// Search order, first that loads wins:
/// <list type="bullet">
/// <item><c>NETDSL_CUDA_DRIVER</c> / <c>NETDSL_NVRTC</c> (a path or a library name): when set, the only candidate, so a
/// mistyped override fails loudly instead of quietly loading some other copy.</item>
/// <item>The driver: <c>libcuda.so.1</c>, then <c>libcuda.so</c> (Windows: <c>nvcuda.dll</c>), through the system's search.</item>
/// <item>NVRTC: <c>libnvrtc.so.13</c>, <c>.12</c>, <c>.11.2</c> and <c>libnvrtc.so</c> through the system's search; then
/// NVIDIA's pip wheels in the site-packages of the Python prefixes in <c>VIRTUAL_ENV</c>, <c>CONDA_PREFIX</c>, on <c>PATH</c>,
/// <c>~/.local</c>, <c>/usr/local</c> and <c>/usr</c>; then <c>$CUDA_HOME/lib64</c>, <c>$CUDA_PATH/lib64</c> and
/// <c>/usr/local/cuda/lib64</c>; then <c>.nvrtc/&lt;version&gt;</c> (scripts/get-nvrtc.sh), found walking up from the app's
/// folder and the working folder, newest first. Windows: <c>nvrtc64_130_0.dll</c>, <c>_120_0</c>, <c>_112_0</c>, then <c>%CUDA_PATH%\bin\x64</c> and <c>\bin</c>.</item>
/// </list>
/// A library that loads stays loaded for the life of the process; a failure is not remembered, so a later call searches again.
/// </remarks>
public static class CudaLibraries
{
    public const string DriverVariable = "NETDSL_CUDA_DRIVER";
    public const string NvrtcVariable = "NETDSL_NVRTC";

    static readonly string[] NvrtcSonames = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"];
    static readonly string[] NvrtcDllNames = ["nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll"];

    // Inside site-packages: the nvidia-cuda-nvrtc wheel (CUDA 13) and nvidia-cuda-nvrtc-cu12 / -cu11.
    static readonly string[] NvrtcWheelFiles =
    [
        "nvidia/cu13/lib/libnvrtc.so.13",
        "nvidia/cuda_nvrtc/lib/libnvrtc.so.12",
        "nvidia/cuda_nvrtc/lib/libnvrtc.so.11.2",
    ];

    static readonly Lock Gate = new();
    static LoadedLibrary? _driver;
    static LoadedLibrary? _nvrtc;
    static bool _resolverInstalled;

    /// <summary>Where the driver was loaded from (as it was named to the loader), or null before it loads.</summary>
    public static string? DriverPath => Volatile.Read(ref _driver)?.Path;

    /// <summary>Where NVRTC was loaded from (as it was named to the loader), or null before it loads.</summary>
    public static string? NvrtcPath => Volatile.Read(ref _nvrtc)?.Path;

    internal static bool IsDriverLoaded => Volatile.Read(ref _driver) is not null;

    internal static bool IsNvrtcLoaded => Volatile.Read(ref _nvrtc) is not null;

    /// <summary>Loads the CUDA driver unless it is loaded. Never throws; on failure <paramref name="reason"/> lists every candidate tried.</summary>
    public static bool TryLoadDriver(out string reason) => TryLoadCached(ref _driver, DriverCandidates, DriverSubject, out reason);

    /// <summary>Loads NVRTC unless it is loaded. Never throws; on failure <paramref name="reason"/> lists every candidate tried.</summary>
    public static bool TryLoadNvrtc(out string reason) => TryLoadCached(ref _nvrtc, NvrtcCandidates, NvrtcSubject, out reason);

    internal static IReadOnlyList<LibraryCandidate> DriverCandidates(LibrarySearchEnvironment env)
    {
        if (env.Variable(DriverVariable) is { } overridden) return [new(overridden, DriverVariable)];
        return env.IsWindows ? [new("nvcuda.dll")] : [new("libcuda.so.1"), new("libcuda.so")];
    }

    internal static IReadOnlyList<LibraryCandidate> NvrtcCandidates(LibrarySearchEnvironment env)
    {
        if (env.Variable(NvrtcVariable) is { } overridden) return [new(overridden, NvrtcVariable)];
        var paths = new List<string>();
        if (env.IsWindows)
        {
            paths.AddRange(NvrtcDllNames);
            foreach (string toolkit in ToolkitDirectories(env))
                AddExisting(paths, [Path.Combine(toolkit, "bin", "x64"), Path.Combine(toolkit, "bin")], NvrtcDllNames);
        }
        else
        {
            paths.AddRange(NvrtcSonames);
            foreach (string sitePackages in PythonSitePackages(env))
                AddExisting(paths, [sitePackages], NvrtcWheelFiles);
            foreach (string toolkit in ToolkitDirectories(env))
                AddExisting(paths, [Path.Combine(toolkit, "lib64")], NvrtcSonames);
            foreach (string local in env.LocalNvrtcFolders())
                AddExisting(paths, [local], NvrtcSonames);
        }
        return paths.Distinct(StringComparer.Ordinal).Select(path => new LibraryCandidate(path)).ToList();
    }

    /// <summary>
    /// site-packages and dist-packages folders (Debian's pip uses the latter) under every Python prefix found from the
    /// environment, existing ones only, in search order.
    /// </summary>
    internal static IEnumerable<string> PythonSitePackages(LibrarySearchEnvironment env)
    {
        var prefixes = new List<string>();
        foreach (string variable in (string[])["VIRTUAL_ENV", "CONDA_PREFIX"])
            if (env.Variable(variable) is { } prefix) prefixes.Add(prefix);
        // A PATH entry holding python3 is a prefix's bin folder: a virtual environment, conda, pyenv or the system.
        foreach (string entry in (env.Variable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string bin = Path.TrimEndingDirectorySeparator(entry);
            if ((File.Exists(Path.Combine(bin, "python3")) || File.Exists(Path.Combine(bin, "python")))
                && Path.GetDirectoryName(bin) is { Length: > 0 } prefix)
                prefixes.Add(prefix);
        }
        if (env.HomeDirectory is { } home) prefixes.Add(Path.Combine(home, ".local"));
        prefixes.AddRange(env.CommonPythonPrefixes);

        foreach (string prefix in prefixes.Distinct(StringComparer.Ordinal))
            foreach (string python in Subdirectories(Path.Combine(prefix, "lib"), "python3*"))
                foreach (string packages in (string[])["site-packages", "dist-packages"])
                {
                    string path = Path.Combine(python, packages);
                    if (Directory.Exists(path)) yield return path;
                }
    }

    static IEnumerable<string> ToolkitDirectories(LibrarySearchEnvironment env)
    {
        var directories = new List<string>();
        foreach (string variable in (string[])["CUDA_HOME", "CUDA_PATH"])
            if (env.Variable(variable) is { } directory) directories.Add(directory);
        directories.AddRange(env.CommonToolkitDirectories);
        return directories.Distinct(StringComparer.Ordinal);
    }

    static void AddExisting(List<string> paths, string[] directories, string[] files)
    {
        foreach (string directory in directories)
            foreach (string file in files)
            {
                string path = Path.Combine(directory, file);
                if (File.Exists(path)) paths.Add(path);
            }
    }

    static IEnumerable<string> Subdirectories(string directory, string pattern)
    {
        try
        {
            return Directory.Exists(directory)
                ? Directory.GetDirectories(directory, pattern).Order(StringComparer.Ordinal).ToArray()
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // An unreadable folder holds nothing we can load.
        }
    }

    internal static string DriverSubject(LibrarySearchEnvironment env) =>
        Subject(env, DriverVariable, env.IsWindows ? "nvcuda.dll" : "libcuda.so.1");

    internal static string NvrtcSubject(LibrarySearchEnvironment env) => Subject(env, NvrtcVariable, "NVRTC");

    static string Subject(LibrarySearchEnvironment env, string variable, string name) =>
        env.Variable(variable) is { } overridden ? $"{variable}={overridden}" : name;

    #region Loading

    internal readonly record struct LibraryCandidate(string Path, string? Variable = null);

    sealed record LoadedLibrary(nint Handle, string Path);

    /// <summary>Loads one library; returns 0 and a reason (null for a plain "not found") on failure.</summary>
    internal delegate nint NativeLoader(string path, out string? error);

    static bool TryLoadCached(
        ref LoadedLibrary? slot,
        Func<LibrarySearchEnvironment, IReadOnlyList<LibraryCandidate>> candidates,
        Func<LibrarySearchEnvironment, string> subject,
        out string reason)
    {
        lock (Gate)
        {
            if (slot is not null)
            {
                reason = "";
                return true;
            }
            var env = LibrarySearchEnvironment.Current();
            try
            {
                if (!TryLoad(candidates(env), subject(env), LoadNative, out nint handle, out string? path, out reason))
                    return false;
                Volatile.Write(ref slot, new LoadedLibrary(handle, path!));
                return true;
            }
            catch (Exception e)
            {
                reason = $"searching for {subject(env)} failed: {e.Message}";
                return false;
            }
        }
    }

    /// <summary>Tries <paramref name="candidates"/> in order; on failure the reason names each one and why it failed.</summary>
    internal static bool TryLoad(
        IReadOnlyList<LibraryCandidate> candidates, string subject, NativeLoader load,
        out nint handle, out string? loadedPath, out string reason)
    {
        var attempts = new List<string>();
        foreach (var candidate in candidates)
        {
            string? error;
            if (Path.IsPathRooted(candidate.Path) && !File.Exists(candidate.Path))
                error = "file does not exist";
            else if ((handle = load(candidate.Path, out error)) != 0)
            {
                loadedPath = candidate.Path;
                reason = "";
                return true;
            }
            attempts.Add(error is null ? candidate.Path : $"{candidate.Path}: {error}");
        }
        handle = 0;
        loadedPath = null;
        reason = attempts.Count == 0
            ? $"{subject} could not be loaded (no candidates)"
            : $"{subject} could not be loaded (tried {string.Join(", ", attempts)})";
        return false;
    }

    internal static nint LoadNative(string path, out string? error)
    {
        try
        {
            error = null;
            LoadNvrtcBuiltinsBeside(path);
            return NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            error = LoaderError(path, e.Message);
            return 0;
        }
    }

    /// <summary>
    /// NVRTC opens its builtins library (libnvrtc-builtins.so.MAJOR.MINOR) by name at its first compile, through the
    /// system's search, which does not look beside NVRTC itself: without LD_LIBRARY_PATH every compile would then fail
    /// with NVRTC_ERROR_BUILTIN_OPERATION_FAILURE. A library already loaded under that name satisfies the lookup, so
    /// the builtins found beside an NVRTC loaded by path are loaded first.
    /// </summary>
    static void LoadNvrtcBuiltinsBeside(string path)
    {
        if (!Path.IsPathRooted(path) || !Path.GetFileName(path).StartsWith("libnvrtc.so", StringComparison.Ordinal)) return;
        string? folder = Path.GetDirectoryName(path);
        if (folder is null || !Directory.Exists(folder)) return;
        // The soname links (libnvrtc-builtins.so.12.4) rather than the files behind them (.so.12.4.127).
        foreach (string builtins in Directory.GetFiles(folder, "libnvrtc-builtins.so.*")
                     .Where(file => Path.GetFileName(file).Count(c => c == '.') == 3).Order(StringComparer.Ordinal))
            NativeLibrary.TryLoad(builtins, out _);
    }

    /// <summary>
    /// The useful part of .NET's load failure message: its last line is the loader's own ("path: what went wrong").
    /// Null for a plain "not found", which the list of tried names already says.
    /// </summary>
    internal static string? LoaderError(string path, string message)
    {
        string last = message.TrimEnd().Split('\n')[^1].Trim();
        if (last.StartsWith(path + ": ", StringComparison.Ordinal)) last = last[(path.Length + 2)..];
        return last is "cannot open shared object file: No such file or directory" or "" ? null : last;
    }

    #endregion

    #region P/Invoke resolution

    /// <summary>Routes <see cref="CudaApi"/> and <see cref="NvrtcApi"/> imports here; called by their static constructors.</summary>
    internal static void EnsureResolver()
    {
        lock (Gate)
        {
            if (_resolverInstalled) return;
            // One resolver per assembly: any other native import in NetDsl.Runtime must be routed through Resolve.
            NativeLibrary.SetDllImportResolver(typeof(CudaLibraries).Assembly, Resolve);
            _resolverInstalled = true;
        }
    }

    static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        CudaApi.Library => TryLoadDriver(out string reason) ? _driver!.Handle : throw new DllNotFoundException(reason),
        NvrtcApi.Library => TryLoadNvrtc(out string reason) ? _nvrtc!.Handle : throw new DllNotFoundException(reason),
        _ => 0, // Not ours: the runtime's default search.
    };

    #endregion
}
