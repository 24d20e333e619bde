namespace NetDsl.Runtime.Cuda;

/// <summary>
/// Where a <see cref="CudaProgram"/> runs: the CUDA driver on a GPU (<see cref="CudaKernelBackend"/>), or the g++
/// emulation in CI. Buffers live in the backend's memory; kernels take their addresses through <see cref="NetDslArgs"/>.
/// </summary>
public interface IKernelBackend : IDisposable
{
    /// <summary>A zeroed buffer of <paramref name="bytes"/> bytes.</summary>
    IKernelBuffer Allocate(long bytes);

    /// <summary>Grid and block for a grid-stride kernel over <paramref name="work"/> items.</summary>
    (uint Grid, uint Block) Shape(long work);

    void Launch(string kernel, uint grid, uint block, uint sharedBytes, in NetDslArgs args);

    /// <summary>Waits until every launch so far has finished.</summary>
    void Synchronize();
}

/// <summary>A buffer of backend memory.</summary>
public interface IKernelBuffer : IDisposable
{
    CUdeviceptr Pointer { get; }
    void Upload<T>(ReadOnlySpan<T> source, long index = 0) where T : unmanaged;
    void Download<T>(Span<T> destination, long index = 0) where T : unmanaged;
    void Clear();
}
