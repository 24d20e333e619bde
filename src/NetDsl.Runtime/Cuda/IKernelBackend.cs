namespace NetDsl.Runtime.Cuda;

/// <summary>
/// Where a <see cref="CudaProgram"/> runs: the CUDA driver on a GPU (<see cref="CudaKernelBackend"/>), or the g++
/// emulation in CI. Buffers live in the backend's memory; kernels take their addresses through <see cref="NetDslArgs"/>.
/// Launches, copies and clears are enqueued on one stream and run in order, after the call returns; between
/// <see cref="BeginCapture"/> and <see cref="EndCapture"/> they are recorded into a graph instead of run.
/// </summary>
public interface IKernelBackend : IDisposable
{
    /// <summary>A zeroed buffer of <paramref name="bytes"/> bytes. Its own copies wait for the stream (they synchronize).</summary>
    IKernelBuffer Allocate(long bytes);

    /// <summary>Page-locked host memory of <paramref name="bytes"/> bytes, the host side of asynchronous copies.</summary>
    IHostBuffer AllocateHost(long bytes);

    /// <summary>Grid and block for a grid-stride kernel over <paramref name="work"/> items.</summary>
    (uint Grid, uint Block) Shape(long work);

    void Launch(string kernel, uint grid, uint block, uint sharedBytes, in NetDslArgs args);

    /// <summary>Enqueues a copy from host memory; <paramref name="source"/> must stay unchanged until the stream passes it.</summary>
    void CopyToDevice(CUdeviceptr destination, nint source, long bytes);

    /// <summary>Enqueues a copy to host memory, readable once the stream has passed it (see <see cref="IKernelEvent"/>).</summary>
    void CopyToHost(nint destination, CUdeviceptr source, long bytes);

    /// <summary>Enqueues zeroing <paramref name="bytes"/> bytes at <paramref name="destination"/>.</summary>
    void Clear(CUdeviceptr destination, long bytes);

    /// <summary>A marker the host can wait for: it is passed when the stream has run everything enqueued before its record.</summary>
    IKernelEvent CreateEvent();

    /// <summary>From here until <see cref="EndCapture"/>, launches, copies and clears are recorded, not run.</summary>
    void BeginCapture();

    /// <summary>The recorded work as a graph that replays it, same arguments and addresses, with one call.</summary>
    IKernelGraph EndCapture();

    /// <summary>Waits until everything enqueued so far has run; a failure of that work surfaces here.</summary>
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

/// <summary>Page-locked host memory: what asynchronous copies read from and write to.</summary>
public interface IHostBuffer : IDisposable
{
    nint Pointer { get; }
    long Bytes { get; }
}

/// <summary>A point in the stream: <see cref="Record"/> marks it, <see cref="Wait"/> blocks the host until it is passed.</summary>
public interface IKernelEvent : IDisposable
{
    void Record();

    /// <summary>Returns at once if never recorded; a failure of the work before the mark surfaces here.</summary>
    void Wait();
}

/// <summary>Captured work, replayed on the stream by <see cref="Launch"/>.</summary>
public interface IKernelGraph : IDisposable
{
    void Launch();
}

/// <summary>Typed views of host buffers.</summary>
public static unsafe class HostBufferExtensions
{
    /// <summary><paramref name="count"/> values of <typeparamref name="T"/> starting <paramref name="byteOffset"/> bytes in.</summary>
    public static Span<T> Span<T>(this IHostBuffer buffer, long byteOffset, int count) where T : unmanaged
    {
        if (byteOffset < 0 || count < 0 || byteOffset + (long)count * sizeof(T) > buffer.Bytes)
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"{count} × {sizeof(T)} bytes at {byteOffset} overrun the {buffer.Bytes}-byte host buffer.");
        return new Span<T>((byte*)buffer.Pointer + byteOffset, count);
    }
}
