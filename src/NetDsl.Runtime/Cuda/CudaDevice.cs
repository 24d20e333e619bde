using System.Diagnostics.CodeAnalysis;
using static NetDsl.Runtime.Cuda.CudaApi;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// One GPU with its primary context retained and made current on the opening thread. Everything allocated through it
/// (<see cref="DeviceBuffer"/>, <see cref="CudaStream"/>, <see cref="CudaModule"/>, ...) lives in that context; the
/// driver API calls behind them need the context current on the calling thread: call <see cref="MakeCurrent"/> on any
/// other thread first. Dispose releases the context; once nothing else retains it (another <see cref="CudaDevice"/>,
/// a library using the CUDA runtime), the driver destroys it with whatever it still holds.
/// </summary>
public sealed unsafe class CudaDevice : IDisposable
{
    /// <summary>cuGraphInstantiateWithFlags, the newest entry point bound, arrived in CUDA 11.4.</summary>
    internal static readonly CudaVersion MinimumDriver = new(11, 4);

    internal delegate bool DriverLoader(out string reason);

    int _disposed;

    CudaDevice(int ordinal, CUdevice handle, CUcontext context, CudaVersion driverVersion)
    {
        Ordinal = ordinal;
        Handle = handle;
        Context = context;
        DriverVersion = driverVersion;
        Name = QueryName(handle);
        ComputeCapability = new(
            Attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
            Attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR));
        MultiprocessorCount = Attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        CudaException.Check(cuDeviceTotalMem_v2(out nuint bytes, handle));
        TotalMemoryBytes = (long)bytes;
    }

    public int Ordinal { get; }
    public CUdevice Handle { get; }
    public CUcontext Context { get; }
    public string Name { get; }
    public ComputeCapability ComputeCapability { get; }
    public int MultiprocessorCount { get; }
    public long TotalMemoryBytes { get; }

    /// <summary>The newest CUDA version the installed driver supports.</summary>
    public CudaVersion DriverVersion { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// Opens GPU <paramref name="ordinal"/>: loads the driver, initializes it, retains the primary context and makes it
    /// current. Never throws; on failure <paramref name="reason"/> says what is missing and what to do.
    /// </summary>
    public static bool TryOpen([NotNullWhen(true)] out CudaDevice? device, out string reason, int ordinal = 0) =>
        TryOpen(CudaLibraries.TryLoadDriver, ordinal, out device, out reason);

    /// <summary>Opens GPU <paramref name="ordinal"/>, or throws <see cref="CudaUnavailableException"/> saying why it cannot.</summary>
    public static CudaDevice Open(int ordinal = 0) => Open(CudaLibraries.TryLoadDriver, ordinal);

    internal static CudaDevice Open(DriverLoader loadDriver, int ordinal) =>
        TryOpen(loadDriver, ordinal, out var device, out string reason) ? device : throw new CudaUnavailableException(reason);

    internal static bool TryOpen(DriverLoader loadDriver, int ordinal, [NotNullWhen(true)] out CudaDevice? device, out string reason)
    {
        device = null;
        if (!loadDriver(out string loadFailure))
        {
            reason = CudaUnavailableException.NoGpu(loadFailure, "install the NVIDIA driver");
            return false;
        }
        try
        {
            return TryOpenLoaded(ordinal, out device, out reason);
        }
        catch (EntryPointNotFoundException e)
        {
            // A driver too old to export every function NetDsl binds.
            reason = CudaUnavailableException.NoGpu(e.Message, $"install an NVIDIA driver for CUDA {MinimumDriver} or newer");
            return false;
        }
        catch (Exception e) when (e is CudaException or DllNotFoundException)
        {
            reason = CudaUnavailableException.NoGpu(e.Message, "check the NVIDIA driver installation (nvidia-smi)");
            return false;
        }
    }

    static bool TryOpenLoaded(int ordinal, [NotNullWhen(true)] out CudaDevice? device, out string reason)
    {
        device = null;
        var init = cuInit(0);
        if (init != CUresult.CUDA_SUCCESS)
        {
            string failure = new CudaException(init, "cuInit(0)").Message;
            reason = init switch
            {
                CUresult.CUDA_ERROR_STUB_LIBRARY => CudaUnavailableException.NoGpu(
                    $"{CudaLibraries.DriverPath} is the CUDA toolkit's stub, not the driver ({failure})", "install the NVIDIA driver"),
                CUresult.CUDA_ERROR_NO_DEVICE => CudaUnavailableException.NoGpu(
                    $"the NVIDIA driver found no GPU ({failure})", "check that the GPU is visible (nvidia-smi, CUDA_VISIBLE_DEVICES)"),
                _ => CudaUnavailableException.NoGpu(failure, "check the NVIDIA driver installation (nvidia-smi)"),
            };
            return false;
        }

        CudaException.Check(cuDriverGetVersion(out int encoded));
        var driverVersion = CudaVersion.FromDriverEncoding(encoded);
        if (driverVersion < MinimumDriver)
        {
            reason = CudaUnavailableException.NoGpu(
                $"the NVIDIA driver supports CUDA {driverVersion}, older than the {MinimumDriver} NetDsl needs",
                "update the NVIDIA driver");
            return false;
        }

        CudaException.Check(cuDeviceGetCount(out int count));
        if (ordinal < 0 || ordinal >= count)
        {
            reason = CudaUnavailableException.NoGpu(
                $"GPU {ordinal} was requested but the driver sees {count} (ordinals 0 to {count - 1})",
                "pick an existing GPU (nvidia-smi lists them; CUDA_VISIBLE_DEVICES renumbers them)");
            return false;
        }

        CudaException.Check(cuDeviceGet(out var handle, ordinal));
        var retain = cuDevicePrimaryCtxRetain(out var context, handle);
        if (retain != CUresult.CUDA_SUCCESS)
        {
            reason = CudaUnavailableException.NoGpu(
                new CudaException(retain, "cuDevicePrimaryCtxRetain").Message,
                "check that no other process holds the GPU in exclusive mode (nvidia-smi)");
            return false;
        }
        try
        {
            CudaException.Check(cuCtxSetCurrent(context));
            device = new CudaDevice(ordinal, handle, context, driverVersion);
            reason = "";
            return true;
        }
        catch
        {
            _ = cuDevicePrimaryCtxRelease_v2(handle);
            throw;
        }
    }

    /// <summary>Makes this device's context current on the calling thread (contexts are per thread).</summary>
    public void MakeCurrent()
    {
        ThrowIfDisposed();
        CudaException.Check(cuCtxSetCurrent(Context));
    }

    /// <summary>Waits for all work on every stream of this device.</summary>
    public void Synchronize()
    {
        ThrowIfDisposed();
        CudaException.Check(cuCtxSynchronize());
    }

    /// <summary>Free and total device memory in bytes, as the driver sees them now.</summary>
    public (long Free, long Total) MemoryInfo()
    {
        ThrowIfDisposed();
        CudaException.Check(cuMemGetInfo_v2(out nuint free, out nuint total));
        return ((long)free, (long)total);
    }

    public int Attribute(CUdevice_attribute attribute)
    {
        CudaException.Check(cuDeviceGetAttribute(out int value, attribute, Handle));
        return value;
    }

    public DeviceBuffer Allocate(long bytes) => new(this, bytes);

    public DeviceBuffer Allocate<T>(long count) where T : unmanaged => new(this, checked(count * sizeof(T)));

    public PinnedBuffer<T> AllocatePinned<T>(int count) where T : unmanaged => new(this, count);

    /// <param name="nonBlocking">Skip the implicit ordering with the legacy default stream (see <see cref="CudaStream"/>).</param>
    public CudaStream CreateStream(bool nonBlocking = false) => new(this, nonBlocking);

    /// <param name="timing">Whether the event records time; events without it are cheaper to record and wait on.</param>
    public CudaEvent CreateEvent(bool timing = true) => new(this, timing);

    /// <summary>Loads a compiled image; <paramref name="name"/> names it in errors (a network or source name).</summary>
    public CudaModule LoadModule(KernelImage image, string name) => new(this, image, name);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Releasing the last reference destroys the context and everything still allocated in it. A failure here
        // (a context already torn down by a fatal error) leaves nothing to undo, and throwing would hide the error
        // that caused it.
        _ = cuDevicePrimaryCtxRelease_v2(Handle);
    }

    public override string ToString() =>
        $"{Name} (GPU {Ordinal}, compute capability {ComputeCapability}, {TotalMemoryBytes / (1 << 20)} MiB, driver CUDA {DriverVersion})";

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    static string QueryName(CUdevice handle)
    {
        const int Capacity = 256;
        byte* name = stackalloc byte[Capacity];
        CudaException.Check(cuDeviceGetName(name, Capacity, handle));
        return Utf8.Terminated(new ReadOnlySpan<byte>(name, Capacity));
    }
}
