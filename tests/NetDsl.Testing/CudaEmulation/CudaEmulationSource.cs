using System.Text.RegularExpressions;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>Where cuda_emulation.h lives, and the one rewrite a CUDA source needs before g++ compiles it.</summary>
public static partial class CudaEmulationSource
{
    public const string HeaderName = "cuda_emulation.h";

    /// <summary>src/NetDsl.Runtime/Cuda/Kernels of the repository the tests run from (header and ABI).</summary>
    public static string KernelsDirectory => kernelsDirectory.Value;

    private static readonly Lazy<string> kernelsDirectory = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "src", "NetDsl.Runtime", "Cuda", "Kernels");
            if (File.Exists(Path.Combine(candidate, HeaderName))) return candidate;
        }
        throw new FileNotFoundException($"No src/NetDsl.Runtime/Cuda/Kernels/{HeaderName} above {AppContext.BaseDirectory}.");
    });

    /// <summary>
    /// Rewrites <c>extern __shared__ T name[];</c> to <c>extern T name[] NETDSL_DYNAMIC_SHARED;</c>, which binds the name
    /// to the launch's dynamic shared memory: no macro can turn <c>__shared__</c> into static storage and still accept
    /// it after <c>extern</c>. Line breaks are kept, so g++'s line numbers are the original source's.
    /// </summary>
    public static string Adapt(string cudaSource) =>
        DynamicShared().Replace(cudaSource, m =>
        {
            string gap = m.Groups["gap"].Value;
            return $"extern{m.Groups["space"].Value}{(gap.Contains('\n') ? gap : "")}{m.Groups["declarator"].Value} NETDSL_DYNAMIC_SHARED{m.Groups["end"].Value};";
        });

    [GeneratedRegex(@"\bextern(?<space>\s+)__shared__(?<gap>\s+)(?<declarator>[^;{}]*?\[\s*\])(?<end>\s*);")]
    private static partial Regex DynamicShared();
}
