using static NetDsl.Runtime.Cuda.CudaApi;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// Page-locked host memory (cuMemHostAlloc): the source or destination of asynchronous copies, which the GPU reads or
/// writes after the call that enqueued them returns. Touch <see cref="Span"/> only once the stream has passed them.
/// </summary>
public sealed unsafe class PinnedBuffer<T> : CudaResource where T : unmanaged
{
    readonly T* _pointer;

    internal PinnedBuffer(CudaDevice device, int length) : base(device)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        if (length == 0) return;
        nuint bytes = (nuint)length * (nuint)sizeof(T);
        var result = cuMemHostAlloc(out void* pointer, bytes, CUmemhostalloc_flags.None);
        if (result != CUresult.CUDA_SUCCESS) throw new CudaException(result, $"cuMemHostAlloc({bytes} bytes)");
        _pointer = (T*)pointer;
    }

    public int Length { get; }

    public Span<T> Span
    {
        get
        {
            ThrowIfDisposed();
            return new Span<T>(_pointer, Length);
        }
    }

    public T* Pointer
    {
        get
        {
            ThrowIfDisposed();
            return _pointer;
        }
    }

    private protected override void Release()
    {
        if (_pointer != null) _ = cuMemFreeHost(_pointer);
    }
}
