using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>
/// Compiles CUDA sources with g++ against cuda_emulation.h into shared libraries, cached under the temp folder by a
/// SHA-256 of everything that goes into them (source, headers, flags), so repeated runs skip the compiler.
/// </summary>
internal static class CudaEmulationCompiler
{
    // Hidden visibility: a module exports its kernels (__global__) and the launcher, nothing else.
    private static readonly string[] Flags =
        ["-std=c++20", "-O2", "-shared", "-fPIC", "-fvisibility=hidden", "-pthread", "-Wl,--no-undefined"];

    private static readonly string CacheDirectory = Path.Combine(Path.GetTempPath(), "netdsl-cuda-emulation");

    // One compilation per distinct input in this process, however many tests ask for it at once.
    private static readonly ConcurrentDictionary<string, Lazy<string>> Built = new();

    /// <summary>The path of the shared library built from cudaSource.</summary>
    public static string Build(string cudaSource, IReadOnlyList<string> includeDirectories)
    {
        string headerDirectory = includeDirectories.FirstOrDefault(d => File.Exists(Path.Combine(d, CudaEmulationSource.HeaderName)))
                                 ?? CudaEmulationSource.KernelsDirectory;
        string[] directories = [headerDirectory, .. includeDirectories.Where(d => d != headerDirectory)];
        string source = CudaEmulationSource.Adapt(cudaSource);
        string hash = Hash(source, directories);
        return Built.GetOrAdd(hash, _ => new Lazy<string>(() => CompileOnce(hash, source, directories))).Value;
    }

    private static string CompileOnce(string hash, string source, string[] directories)
    {
        Directory.CreateDirectory(CacheDirectory);
        string library = Path.Combine(CacheDirectory, hash + ".so");
        if (File.Exists(library)) return library;

        // Another process may build the same library at the same time: every file is written privately, then
        // renamed into place, so none is ever seen half written.
        string partial = Path.Combine(CacheDirectory, $"{hash}.{Guid.NewGuid():N}.partial");
        // g++ cites this file in its messages; it stays beside the library for debugging.
        string sourcePath = Path.Combine(CacheDirectory, hash + ".cu");
        File.WriteAllText(partial, source);
        File.Move(partial, sourcePath, overwrite: true);
        var (exitCode, output) = RunCompiler(
            [.. Flags, "-include", Path.Combine(directories[0], CudaEmulationSource.HeaderName),
             .. directories.Select(d => "-I" + d), "-x", "c++", sourcePath, "-o", partial]);
        if (exitCode != 0)
        {
            File.Delete(partial);
            throw new CudaCompilationException(Describe(exitCode, output, sourcePath, source), output, source);
        }
        File.Move(partial, library, overwrite: true);
        return library;
    }

    private static (int ExitCode, string Output) RunCompiler(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("g++") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["LC_ALL"] = "C";  // messages in English with ASCII quotes, whatever the machine's locale
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("CUDA emulation needs g++ 12 or later on the PATH.", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
    }

    // g++'s full output, then every source line it names with a line either side, numbered as g++ numbers them.
    private static string Describe(int exitCode, string output, string sourcePath, string source)
    {
        var lines = source.Split('\n');
        var named = new SortedSet<int>();
        foreach (Match match in Regex.Matches(output, Regex.Escape(sourcePath) + @":(\d+):"))
            if (int.TryParse(match.Groups[1].Value, out int line) && line >= 1 && line <= lines.Length)
                for (int l = Math.Max(1, line - 1); l <= Math.Min(lines.Length, line + 1); l++) named.Add(l);

        var text = new StringBuilder($"g++ failed (exit code {exitCode}) on {sourcePath}:\n{output.TrimEnd()}\n");
        if (named.Count > 0)
        {
            text.Append("\nSource lines named above:\n");
            int previous = 0;
            foreach (int l in named)
            {
                if (previous != 0 && l != previous + 1) text.Append("  ...\n");
                text.Append($"{l,5} | {lines[l - 1].TrimEnd('\r')}\n");
                previous = l;
            }
        }
        return text.ToString();
    }

    private static string Hash(string source, string[] directories)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(text));
            sha.AppendData([0]);
        }
        foreach (string flag in Flags) Add(flag);
        Add(source);
        // The headers directly in the include folders (not in their subfolders), in search order; where the folders
        // are does not matter.
        foreach (string directory in directories)
        {
            Add("-I");
            foreach (string header in Directory.EnumerateFiles(directory).Where(IsHeader).Order(StringComparer.Ordinal))
            {
                Add(Path.GetFileName(header));
                Add(File.ReadAllText(header));
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static bool IsHeader(string path) => Path.GetExtension(path) is ".h" or ".cuh" or ".hpp" or ".inc";
}
