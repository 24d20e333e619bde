using System.Runtime.InteropServices;
using NetDsl.Runtime;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>
/// Runs a <see cref="CudaProgram"/> on the CPU: its source compiled with g++ against the emulation header, buffers in
/// native host memory (which plays device memory). Few blocks per launch: emulated blocks run one after another.
/// </summary>
public sealed unsafe class EmulatedKernelBackend(CudaProgram program) : IKernelBackend
{
    private readonly EmulatedCudaModule _module = EmulatedCudaModule.Compile(program.Source, CudaEmulationSource.KernelsDirectory);

    public IKernelBuffer Allocate(long bytes) => new Buffer(Math.Max(bytes, 4));

    public (uint Grid, uint Block) Shape(long work) => ((uint)Math.Clamp((work + 63) / 64, 1, 4), 64);

    public void Launch(string kernel, uint grid, uint block, uint sharedBytes, in NetDslArgs args) =>
        _module.Launch(kernel, (grid, 1, 1), (block, 1, 1), in args, sharedBytes);

    public void Synchronize() { }   // launches are synchronous

    public void Dispose() => _module.Dispose();

    private sealed class Buffer : IKernelBuffer
    {
        private readonly byte* _memory;
        private readonly long _bytes;

        public Buffer(long bytes)
        {
            _bytes = bytes;
            _memory = (byte*)NativeMemory.AllocZeroed((nuint)bytes);
        }

        public CUdeviceptr Pointer => new((ulong)_memory);

        public void Upload<T>(ReadOnlySpan<T> source, long index = 0) where T : unmanaged =>
            source.CopyTo(Span<T>(index, source.Length));

        public void Download<T>(Span<T> destination, long index = 0) where T : unmanaged =>
            Span<T>(index, destination.Length).CopyTo(destination);

        public void Clear() => NativeMemory.Clear(_memory, (nuint)_bytes);

        public void Dispose() => NativeMemory.Free(_memory);

        private Span<T> Span<T>(long index, int count) where T : unmanaged
        {
            if (index < 0 || (index + count) * sizeof(T) > _bytes) throw new ArgumentOutOfRangeException(nameof(index));
            return new Span<T>(_memory + index * sizeof(T), count);
        }
    }
}
