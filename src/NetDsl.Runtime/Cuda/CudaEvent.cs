using static NetDsl.Runtime.Cuda.CudaApi;

namespace NetDsl.Runtime.Cuda;

/// <summary>A marker in a stream, for timing GPU work without synchronizing the host between the two marks.</summary>
public sealed class CudaEvent : CudaResource
{
    readonly CUevent _handle;

    internal CudaEvent(CudaDevice device, bool timing) : base(device)
    {
        var flags = timing ? CUevent_flags.CU_EVENT_DEFAULT : CUevent_flags.CU_EVENT_DISABLE_TIMING;
        CudaException.Check(cuEventCreate(out _handle, flags));
    }

    public CUevent Handle
    {
        get
        {
            ThrowIfDisposed();
            return _handle;
        }
    }

    public void Record(CudaStream stream) => CudaException.Check(cuEventRecord(Handle, stream.Handle));

    public void Synchronize() => CudaException.Check(cuEventSynchronize(Handle));

    /// <summary>GPU time from <paramref name="start"/> to <paramref name="end"/>, both recorded and <paramref name="end"/> reached.</summary>
    public static float ElapsedMilliseconds(CudaEvent start, CudaEvent end)
    {
        CudaException.Check(cuEventElapsedTime(out float milliseconds, start.Handle, end.Handle));
        return milliseconds;
    }

    private protected override void Release() => _ = cuEventDestroy_v2(_handle);
}
