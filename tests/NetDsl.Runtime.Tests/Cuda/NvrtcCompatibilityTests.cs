using System.Text.RegularExpressions;
using NetDsl.Networks;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

/// <summary>
/// g++ with the emulation header accepts C++ that NVRTC refuses: NVRTC has no host headers and no exceptions. CI has
/// no NVRTC, so these rules are checked as text on every shipped header and every zoo network's generated source, as
/// NVRTC sees it: without the branches for the emulator (<c>#ifdef NETDSL_CUDA_EMULATION</c>).
/// </summary>
public partial class NvrtcCompatibilityTests
{
    public static TheoryData<string> Sources()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in GpuProgramCompiler.Headers) data.Add("header " + name);
        foreach (var name in Zoo.Names) data.Add("network " + name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Cuda_source_uses_nothing_nvrtc_lacks(string which)
    {
        string source = which.StartsWith("header ", StringComparison.Ordinal)
            ? GpuProgramCompiler.Headers.Single(h => "header " + h.Name == which).Source
            : ((IGpuNetwork)Zoo.Create(which["network ".Length..])).GpuProgram.Source;
        string code = EmulationOnly().Replace(Comments().Replace(source, ""), "");
        var headers = GpuProgramCompiler.Headers.Select(h => h.Name).ToHashSet();

        foreach (Match include in Include().Matches(code))
            Assert.True(headers.Contains(include.Groups[1].Value), $"{which} includes {include.Value}: only the embedded headers exist under NVRTC");
        foreach (var forbidden in new[] { "std::", "throw ", "try {", "catch (", "malloc(" })
            Assert.False(code.Contains(forbidden, StringComparison.Ordinal), $"{which} uses {forbidden}");
        foreach (Match kernel in Kernel().Matches(code))
            Assert.Equal("NetDslArgs a", kernel.Groups[1].Value.Trim());
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();

    /// <summary>An emulator-only branch: from <c>#ifdef NETDSL_CUDA_EMULATION</c> to its <c>#else</c> or <c>#endif</c> (not nested).</summary>
    [GeneratedRegex(@"#ifdef NETDSL_CUDA_EMULATION\b.*?#(else|endif)", RegexOptions.Singleline)]
    private static partial Regex EmulationOnly();

    [GeneratedRegex(@"#\s*include\s*[<""]([^>""]+)[>""]")]
    private static partial Regex Include();

    [GeneratedRegex(@"extern\s+""C""\s+__global__\s+void\s+(?:__launch_bounds__\([^)]*\)\s+)?\w+\s*\(([^)]*)\)")]
    private static partial Regex Kernel();
}
