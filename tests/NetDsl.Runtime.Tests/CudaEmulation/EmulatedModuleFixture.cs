using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>One module compiled for all tests of a class (g++ costs about a second; the library is cached on disk).</summary>
public abstract class EmulatedModuleFixture(string source) : IDisposable
{
    public EmulatedCudaModule Module { get; } = EmulatedCudaModule.Compile(source);

    public void Dispose() => Module.Dispose();
}
