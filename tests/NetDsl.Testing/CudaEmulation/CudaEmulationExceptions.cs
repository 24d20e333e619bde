namespace NetDsl.Testing.CudaEmulation;

/// <summary>g++ rejected a CUDA source; the message holds its full output and the source lines it names.</summary>
public sealed class CudaCompilationException(string message, string compilerOutput, string source) : Exception(message)
{
    public string CompilerOutput { get; } = compilerOutput;

    /// <summary>The source as compiled (after <see cref="CudaEmulationSource.Adapt"/>), whose line numbers g++ cites.</summary>
    public string CudaSource { get; } = source;
}

/// <summary>The emulated launch was refused (bad configuration) or a kernel thread threw (for example __trap()).</summary>
public sealed class EmulatedLaunchException(string message, int status) : Exception(message)
{
    /// <summary>
    /// The launcher's status: 1 invalid configuration, 2 too much shared memory, 3 a kernel thread threw, 4 the
    /// emulator ran out of threads or memory.
    /// </summary>
    public int Status { get; } = status;
}
