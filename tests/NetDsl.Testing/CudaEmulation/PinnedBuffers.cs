using System.Runtime.InteropServices;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>Pins managed arrays for the length of a launch, so kernels can address them through NetDslArgs.</summary>
public sealed class PinnedBuffers : IDisposable
{
    private readonly List<GCHandle> handles = [];

    /// <summary>The address of array's first element, valid until this object is disposed.</summary>
    public nint Pin<T>(T[] array) where T : unmanaged
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        handles.Add(handle);
        return handle.AddrOfPinnedObject();
    }

    public void Dispose()
    {
        foreach (var handle in handles) handle.Free();
        handles.Clear();
    }
}
