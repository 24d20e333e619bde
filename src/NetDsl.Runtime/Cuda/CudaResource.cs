namespace NetDsl.Runtime.Cuda;

/// <summary>
/// Something allocated in a <see cref="CudaDevice"/>'s context. Disposing it frees it, from any thread; once the device
/// is disposed, disposing it does nothing, because the context frees what it still holds when it is torn down.
/// </summary>
public abstract class CudaResource : IDisposable
{
    int _disposed;

    private protected CudaResource(CudaDevice device)
    {
        device.ThrowIfDisposed();
        Device = device;
    }

    public CudaDevice Device { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0 || Device.IsDisposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || Device.IsDisposed) return;
        // Disposal may run on a thread where this context is not current (a finally block after an await, say):
        // push it for the call, then restore whatever the thread had.
        if (CudaApi.cuCtxPushCurrent_v2(Device.Context) != CUresult.CUDA_SUCCESS) return;
        try
        {
            Release();
        }
        finally
        {
            _ = CudaApi.cuCtxPopCurrent_v2(out _);
        }
    }

    /// <summary>
    /// Frees the driver object, ignoring the result: after a kernel fault every driver call reports the same sticky
    /// error, and throwing here would replace the exception that reported the fault (the context's teardown frees the
    /// object in any case).
    /// </summary>
    private protected abstract void Release();

    private protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);
}
