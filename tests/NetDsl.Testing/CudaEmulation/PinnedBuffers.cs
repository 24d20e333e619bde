using System.Runtime.InteropServices;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>Pins managed arrays for the length of a launch, so kernels can address them through NetDslArgs.</summary>
public sealed class PinnedBuffers : IDisposable
{
    private readonly List<GCHandle> handles = [];

    /// <summary>
    /// The address of array's first element, valid until this object is disposed. Under emulation host memory plays
    /// device memory, so it is returned as the kernels' pointer type.
    /// </summary>
    public CUdeviceptr Pin<T>(T[] array) where T : unmanaged
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        handles.Add(handle);
        return new CUdeviceptr((ulong)handle.AddrOfPinnedObject());
    }

    public void Dispose()
    {
        foreach (var handle in handles) handle.Free();
        handles.Clear();
    }
}
