using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

public sealed class CompilationTests
{
    [Fact]
    public void A_compile_error_carries_gcc_output_and_the_offending_source_line()
    {
        const string source = """
            #include "netdsl_abi.cuh"
            extern "C" __global__ void broken(NetDslArgs a)
            {
                a.losses[0] = undeclared_value;
            }
            """;
        var e = Assert.Throws<CudaCompilationException>(() => EmulatedCudaModule.Compile(source));
        Assert.Contains("'undeclared_value' was not declared in this scope", e.CompilerOutput);
        Assert.Contains(":4:", e.Message);
        Assert.Contains("    4 |     a.losses[0] = undeclared_value;", e.Message);
    }

    [Fact]
    public void Headers_are_part_of_the_cache_key()
    {
        string includes = Directory.CreateTempSubdirectory("netdsl-emulation-include").FullName;
        try
        {
            const string source = """
                #include "constant.cuh"
                extern "C" __global__ void write_constant(NetDslArgs a) { a.losses[0] = CONSTANT; }
                """;
            File.WriteAllText(Path.Combine(includes, "constant.cuh"), "#define CONSTANT 1.0f\n");
            string first = Run(source, includes, out float one);
            Assert.Equal(first, Run(source, includes, out _));  // same inputs, same library

            File.WriteAllText(Path.Combine(includes, "constant.cuh"), "#define CONSTANT 2.0f\n");
            string second = Run(source, includes, out float two);
            Assert.NotEqual(first, second);
            Assert.Equal((1f, 2f), (one, two));
        }
        finally
        {
            Directory.Delete(includes, recursive: true);
        }
    }

    [Fact]
    public void Only_extern_shared_declarations_are_rewritten_and_lines_are_kept()
    {
        const string source = """
            extern __shared__ float tile[];
            __shared__ float fixedSize[4];
            extern __shared__ __align__(16)
                unsigned char bytes[ ];
            extern "C" __global__ void k(NetDslArgs a);
            """;
        const string expected = """
            extern float tile[] NETDSL_DYNAMIC_SHARED;
            __shared__ float fixedSize[4];
            extern __align__(16)
                unsigned char bytes[ ] NETDSL_DYNAMIC_SHARED;
            extern "C" __global__ void k(NetDslArgs a);
            """;
        Assert.Equal(expected, CudaEmulationSource.Adapt(source));
    }

    static string Run(string source, string includes, out float value)
    {
        var result = new float[1];
        using var module = EmulatedCudaModule.Compile(source, includes);
        using (var pins = new PinnedBuffers())
            module.Launch("write_constant", (1, 1, 1), (1, 1, 1), new NetDslArgs { Losses = pins.Pin(result) });
        value = result[0];
        return module.LibraryPath;
    }
}
