using System.Diagnostics;
using NetDsl.Networks;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// Every zoo network's generated CUDA C compiles (with template instantiation) under g++ and the emulation header.
/// Their kernel forms run under emulation in the small networks of <see cref="EmulatedNetworks"/>.
/// </summary>
public class ZooCudaCompilesTests
{
    [Fact]
    public void Every_zoo_network_generates_cuda_that_compiles()
    {
        var failures = Zoo.Names.AsParallel().WithDegreeOfParallelism(Environment.ProcessorCount)
            .Select(name => (name, error: SyntaxCheck(Program(name).Source)))
            .Where(r => r.error is not null).ToList();

        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Select(f => $"{f.name}:\n{f.error}")));
    }

    private static CudaProgram Program(string name) => ((IGpuNetwork)Zoo.Create(name)).GpuProgram;

    private static string? SyntaxCheck(string source)
    {
        string file = Path.Combine(Path.GetTempPath(), $"netdsl-zoo-{Guid.NewGuid():N}.cu");
        File.WriteAllText(file, CudaEmulationSource.Adapt(source));
        try
        {
            var info = new ProcessStartInfo("g++", ["-std=c++20", "-fsyntax-only", "-I", CudaEmulationSource.KernelsDirectory,
                "-include", CudaEmulationSource.HeaderName, "-x", "c++", file]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var g = Process.Start(info)!;
            string errors = g.StandardError.ReadToEnd();
            g.WaitForExit();
            return g.ExitCode == 0 ? null : errors[..Math.Min(errors.Length, 2000)];
        }
        finally
        {
            File.Delete(file);
        }
    }
}
