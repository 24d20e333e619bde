using static NetDsl.Runtime.Cuda.CudaApi;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// A stream: work enqueued on it runs in order. By default it is a blocking stream, so the synchronous copies of
/// <see cref="DeviceBuffer"/> (which run on the legacy default stream) wait for its kernels; a non-blocking stream does
/// not, and needs <see cref="Synchronize"/> before such a copy reads its results.
/// </summary>
public sealed class CudaStream : CudaResource
{
    readonly CUstream _handle;

    internal CudaStream(CudaDevice device, bool nonBlocking) : base(device)
    {
        var flags = nonBlocking ? CUstream_flags.CU_STREAM_NON_BLOCKING : CUstream_flags.CU_STREAM_DEFAULT;
        CudaException.Check(cuStreamCreate(out _handle, flags));
    }

    public CUstream Handle
    {
        get
        {
            ThrowIfDisposed();
            return _handle;
        }
    }

    /// <summary>Waits until everything enqueued so far has run; asynchronous kernel faults surface here.</summary>
    public void Synchronize() => CudaException.Check(cuStreamSynchronize(Handle));

    private protected override void Release() => _ = cuStreamDestroy_v2(_handle);
}
