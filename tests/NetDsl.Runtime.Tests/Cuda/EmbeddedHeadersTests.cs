using NetDsl.Runtime.Cuda;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.Cuda;

/// <summary>On a GPU, NVRTC gets the kernel headers from the runtime assembly: they must be there and current.</summary>
public class EmbeddedHeadersTests
{
    [Fact]
    public void Every_header_a_program_includes_is_embedded_as_in_the_source_tree()
    {
        var embedded = GpuProgramCompiler.Headers;

        Assert.Equal(CudaProgram.Headers, embedded.Select(h => h.Name));
        foreach (var (name, source) in embedded)
            Assert.Equal(File.ReadAllText(Path.Combine(CudaEmulationSource.KernelsDirectory, name)), source);
    }
}
