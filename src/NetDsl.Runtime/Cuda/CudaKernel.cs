using static NetDsl.Runtime.Cuda.CudaApi;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// A kernel in a loaded <see cref="CudaModule"/>. NetDsl's kernels take one by-value argument struct
/// (<see cref="NetDslArgs"/>), so a launch passes exactly one parameter.
/// </summary>
public sealed unsafe class CudaKernel
{
    internal CudaKernel(CudaModule module, CUfunction handle, string name)
    {
        Module = module;
        Handle = handle;
        Name = name;
    }

    public CudaModule Module { get; }
    public CUfunction Handle { get; }
    public string Name { get; }

    /// <summary>
    /// Enqueues the kernel with <paramref name="arguments"/> as its single parameter, whose C layout
    /// <typeparamref name="TArgs"/> must match. The driver copies the struct before returning. A fault inside the
    /// kernel is reported later, by the next synchronizing call.
    /// </summary>
    public void Launch<TArgs>(CudaStream stream, Dim3 grid, Dim3 block, in TArgs arguments, uint sharedMemoryBytes = 0)
        where TArgs : unmanaged
    {
        ObjectDisposedException.ThrowIf(Module.IsDisposed, Module);
        CUresult result;
        fixed (TArgs* argument = &arguments)
        {
            void* parameter = argument;
            result = cuLaunchKernel(Handle, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z,
                sharedMemoryBytes, stream.Handle, &parameter, null);
        }
        if (result != CUresult.CUDA_SUCCESS)
            throw new CudaException(result, $"cuLaunchKernel({Name}, grid {grid}, block {block}, {sharedMemoryBytes} bytes shared)");
    }

    public override string ToString() => $"{Name} in {Module.Name}";
}
