using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>
/// CUDA C compiled for the CPU against cuda_emulation.h and loaded as a shared library: kernels are launched on a pool
/// of OS threads, one per CUDA thread, a block at a time (see the header for the execution model).
/// </summary>
public sealed unsafe class EmulatedCudaModule : IDisposable
{
    private readonly nint library;
    private readonly delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, NetDslArgs*, int> launch;
    private readonly delegate* unmanaged<nint> error;
    private readonly delegate* unmanaged<void> shutdown;
    private readonly ConcurrentDictionary<string, nint> kernels = new();
    private bool disposed;

    private EmulatedCudaModule(string libraryPath)
    {
        LibraryPath = libraryPath;
        library = NativeLibrary.Load(libraryPath);
        launch = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, NetDslArgs*, int>)
            NativeLibrary.GetExport(library, "netdsl_emulate_launch");
        error = (delegate* unmanaged<nint>)NativeLibrary.GetExport(library, "netdsl_emulate_error");
        shutdown = (delegate* unmanaged<void>)NativeLibrary.GetExport(library, "netdsl_emulate_shutdown");
    }

    /// <summary>The compiled library, cached by the hash of its inputs.</summary>
    public string LibraryPath { get; }

    /// <summary>
    /// Compiles cudaSource (NVRTC-ready CUDA C) with g++. The header comes from the first include directory that holds
    /// cuda_emulation.h, else from the repository's src/NetDsl.Runtime/Cuda/Kernels; its folder is searched for
    /// includes first. Throws <see cref="CudaCompilationException"/> with g++'s output when the source does not compile.
    /// </summary>
    public static EmulatedCudaModule Compile(string cudaSource, params string[] includeDirectories) =>
        new(CudaEmulationCompiler.Build(cudaSource, includeDirectories));

    /// <summary>
    /// Runs kernel&lt;&lt;&lt;grid, block, sharedBytes&gt;&gt;&gt;(args) and returns when every block has finished.
    /// Throws <see cref="EmulatedLaunchException"/> for a configuration a GPU would refuse or when a kernel thread threw.
    /// </summary>
    public void Launch(string kernel, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block,
        in NetDslArgs args, uint sharedBytes = 0)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        nint function = kernels.GetOrAdd(kernel, name => GetExport(name));
        int status;
        fixed (NetDslArgs* arguments = &args)
            status = launch(function, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z, sharedBytes, arguments);
        if (status != 0)
            throw new EmulatedLaunchException(
                $"{kernel}<<<({grid.X},{grid.Y},{grid.Z}), ({block.X},{block.Y},{block.Z}), {sharedBytes}>>> failed: "
                + Marshal.PtrToStringUTF8(error()), status);
    }

    /// <summary>An exported function of the module (a kernel, or a C helper the source marks visible).</summary>
    public nint GetExport(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return NativeLibrary.TryGetExport(library, name, out nint address)
            ? address
            : throw new ArgumentException($"{LibraryPath} exports no {name}; kernels need extern \"C\" __global__.", nameof(name));
    }

    /// <summary>
    /// Calls an exported C helper <c>void function(unsigned long long* results)</c> on this thread: how a test reads
    /// facts such as sizeof and offsetof out of the compiled code.
    /// </summary>
    public void Call(string function, Span<ulong> results)
    {
        var helper = (delegate* unmanaged<ulong*, void>)GetExport(function);
        fixed (ulong* output = results) helper(output);
    }

    /// <summary>
    /// Whether later launches round tensor-core operands to TF32 as a GPU does (the default) or keep float32's bits, so
    /// a program can be compared with float32 code at float32 bounds. The switch belongs to the loaded library, which
    /// every module compiled from the same source in this process shares.
    /// </summary>
    public void RoundTf32(bool on) => ((delegate* unmanaged<int, void>)GetExport("netdsl_emulate_tf32_rounding"))(on ? 1 : 0);

    /// <summary>Stops the module's threads, then unloads it (code they run must not vanish under them).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        shutdown();
        NativeLibrary.Free(library);
    }
}
