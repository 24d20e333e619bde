using static NetDsl.Runtime.Cuda.CudaApi;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// Device memory (cuMemAlloc), with element-typed copies: indices and counts are in elements of the copy's type, so
/// one buffer can hold floats or ints. Synchronous copies take any span; asynchronous ones take a
/// <see cref="PinnedBuffer{T}"/>, because the driver reads page-locked memory after the call returns.
/// </summary>
public sealed unsafe class DeviceBuffer : CudaResource
{
    readonly CUdeviceptr _pointer;

    internal DeviceBuffer(CudaDevice device, long bytes) : base(device)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ByteLength = bytes;
        // The driver rejects empty allocations; an empty buffer keeps the null pointer and copies nothing.
        if (bytes == 0) return;
        var result = cuMemAlloc_v2(out _pointer, (nuint)bytes);
        if (result != CUresult.CUDA_SUCCESS) throw new CudaException(result, $"cuMemAlloc_v2({bytes} bytes)");
    }

    public long ByteLength { get; }

    /// <summary>The buffer's device address (256-byte aligned).</summary>
    public CUdeviceptr Pointer
    {
        get
        {
            ThrowIfDisposed();
            return _pointer;
        }
    }

    /// <summary>How many <typeparamref name="T"/> fit.</summary>
    public long Length<T>() where T : unmanaged => ByteLength / sizeof(T);

    /// <summary>The address of element <paramref name="index"/> (a <typeparamref name="T"/>), e.g. a workspace slot.</summary>
    public CUdeviceptr At<T>(long index) where T : unmanaged => Pointer + ByteOffset<T>(index, 0);

    public void CopyFrom<T>(ReadOnlySpan<T> source, long destinationIndex = 0) where T : unmanaged
    {
        ulong offset = ByteOffset<T>(destinationIndex, source.Length);
        if (source.IsEmpty) return;
        fixed (T* host = source)
            CudaException.Check(cuMemcpyHtoD_v2(Pointer + offset, host, Bytes<T>(source.Length)));
    }

    public void CopyTo<T>(Span<T> destination, long sourceIndex = 0) where T : unmanaged
    {
        ulong offset = ByteOffset<T>(sourceIndex, destination.Length);
        if (destination.IsEmpty) return;
        fixed (T* host = destination)
            CudaException.Check(cuMemcpyDtoH_v2(host, Pointer + offset, Bytes<T>(destination.Length)));
    }

    /// <summary>Enqueues a copy of all of <paramref name="source"/>; it must stay alive until <paramref name="stream"/> passes this point.</summary>
    public void CopyFromAsync<T>(PinnedBuffer<T> source, CudaStream stream, long destinationIndex = 0) where T : unmanaged
    {
        ulong offset = ByteOffset<T>(destinationIndex, source.Length);
        if (source.Length == 0) return;
        CudaException.Check(cuMemcpyHtoDAsync_v2(Pointer + offset, source.Pointer, Bytes<T>(source.Length), stream.Handle));
    }

    /// <summary>Enqueues a copy filling all of <paramref name="destination"/>; read it after <paramref name="stream"/> passes this point.</summary>
    public void CopyToAsync<T>(PinnedBuffer<T> destination, CudaStream stream, long sourceIndex = 0) where T : unmanaged
    {
        ulong offset = ByteOffset<T>(sourceIndex, destination.Length);
        if (destination.Length == 0) return;
        CudaException.Check(cuMemcpyDtoHAsync_v2(destination.Pointer, Pointer + offset, Bytes<T>(destination.Length), stream.Handle));
    }

    /// <summary>Zeroes the buffer, synchronously or, given a stream, in stream order.</summary>
    public void Clear(CudaStream? stream = null)
    {
        if (ByteLength == 0) return;
        if (stream is null) CudaException.Check(cuMemsetD8_v2(Pointer, 0, (nuint)ByteLength));
        else CudaException.Check(cuMemsetD8Async(Pointer, 0, (nuint)ByteLength, stream.Handle));
    }

    public void Fill(float value, CudaStream? stream = null) => Fill32(BitConverter.SingleToUInt32Bits(value), stream);

    public void Fill(int value, CudaStream? stream = null) => Fill32((uint)value, stream);

    void Fill32(uint bits, CudaStream? stream)
    {
        nuint words = (nuint)(ByteLength / 4);
        if (words == 0) return;
        if (stream is null) CudaException.Check(cuMemsetD32_v2(Pointer, bits, words));
        else CudaException.Check(cuMemsetD32Async(Pointer, bits, words, stream.Handle));
    }

    private protected override void Release()
    {
        if (_pointer.Value != 0) _ = cuMemFree_v2(_pointer);
    }

    ulong ByteOffset<T>(long index, long count) where T : unmanaged =>
        (ulong)ElementRange.Offset(index, count, Length<T>(), sizeof(T), typeof(T).Name);

    static nuint Bytes<T>(int count) where T : unmanaged => (nuint)count * (nuint)sizeof(T);
}
