using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cuda;

// Bindings to the CUDA driver API (libcuda.so.1 / nvcuda.dll), only the part NetDsl uses. Every entry point is the
// symbol cuda.h maps its name to on a 64-bit build: the _v2 variants where the ABI changed (size_t sizes, 64-bit
// device pointers, primary-context release), and the original symbols elsewhere, which every driver since 11.4 still
// exports. Handles are typed so a stream cannot be passed where an event is expected; each wraps exactly the C type.

#region Handles

/// <summary>A device ordinal as the driver numbers it (C: <c>typedef int CUdevice</c>).</summary>
public readonly record struct CUdevice(int Value);

/// <summary>A device address (C: <c>unsigned long long</c> on every 64-bit platform).</summary>
public readonly record struct CUdeviceptr(ulong Value)
{
    public static CUdeviceptr operator +(CUdeviceptr pointer, ulong bytes) => new(pointer.Value + bytes);
    public override string ToString() => $"0x{Value:x}";
}

public readonly record struct CUcontext(nint Handle);

public readonly record struct CUmodule(nint Handle);

public readonly record struct CUfunction(nint Handle);

/// <summary>A stream; the default value is the legacy default stream (NULL).</summary>
public readonly record struct CUstream(nint Handle);

public readonly record struct CUevent(nint Handle);

public readonly record struct CUgraph(nint Handle);

public readonly record struct CUgraphExec(nint Handle);

#endregion

#region Enumerations

/// <summary>Driver API result codes (cuda.h's <c>cudaError_enum</c>). Names match cuGetErrorName.</summary>
public enum CUresult
{
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_DEINITIALIZED = 4,
    CUDA_ERROR_PROFILER_DISABLED = 5,
    CUDA_ERROR_PROFILER_NOT_INITIALIZED = 6,
    CUDA_ERROR_PROFILER_ALREADY_STARTED = 7,
    CUDA_ERROR_PROFILER_ALREADY_STOPPED = 8,
    CUDA_ERROR_STUB_LIBRARY = 34,
    CUDA_ERROR_DEVICE_UNAVAILABLE = 46,
    CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_DEVICE_NOT_LICENSED = 102,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_CONTEXT_ALREADY_CURRENT = 202,
    CUDA_ERROR_MAP_FAILED = 205,
    CUDA_ERROR_UNMAP_FAILED = 206,
    CUDA_ERROR_ARRAY_IS_MAPPED = 207,
    CUDA_ERROR_ALREADY_MAPPED = 208,
    CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
    CUDA_ERROR_ALREADY_ACQUIRED = 210,
    CUDA_ERROR_NOT_MAPPED = 211,
    CUDA_ERROR_NOT_MAPPED_AS_ARRAY = 212,
    CUDA_ERROR_NOT_MAPPED_AS_POINTER = 213,
    CUDA_ERROR_ECC_UNCORRECTABLE = 214,
    CUDA_ERROR_UNSUPPORTED_LIMIT = 215,
    CUDA_ERROR_CONTEXT_ALREADY_IN_USE = 216,
    CUDA_ERROR_PEER_ACCESS_UNSUPPORTED = 217,
    CUDA_ERROR_INVALID_PTX = 218,
    CUDA_ERROR_INVALID_GRAPHICS_CONTEXT = 219,
    CUDA_ERROR_NVLINK_UNCORRECTABLE = 220,
    CUDA_ERROR_JIT_COMPILER_NOT_FOUND = 221,
    CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
    CUDA_ERROR_JIT_COMPILATION_DISABLED = 223,
    CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY = 224,
    CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC = 225,
    CUDA_ERROR_CONTAINED = 226,
    CUDA_ERROR_INVALID_SOURCE = 300,
    CUDA_ERROR_FILE_NOT_FOUND = 301,
    CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND = 302,
    CUDA_ERROR_SHARED_OBJECT_INIT_FAILED = 303,
    CUDA_ERROR_OPERATING_SYSTEM = 304,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_ILLEGAL_STATE = 401,
    CUDA_ERROR_LOSSY_QUERY = 402,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_NOT_READY = 600,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_LAUNCH_TIMEOUT = 702,
    CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING = 703,
    CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED = 704,
    CUDA_ERROR_PEER_ACCESS_NOT_ENABLED = 705,
    CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE = 708,
    CUDA_ERROR_CONTEXT_IS_DESTROYED = 709,
    CUDA_ERROR_ASSERT = 710,
    CUDA_ERROR_TOO_MANY_PEERS = 711,
    CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED = 712,
    CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED = 713,
    CUDA_ERROR_HARDWARE_STACK_ERROR = 714,
    CUDA_ERROR_ILLEGAL_INSTRUCTION = 715,
    CUDA_ERROR_MISALIGNED_ADDRESS = 716,
    CUDA_ERROR_INVALID_ADDRESS_SPACE = 717,
    CUDA_ERROR_INVALID_PC = 718,
    CUDA_ERROR_LAUNCH_FAILED = 719,
    CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE = 720,
    CUDA_ERROR_TENSOR_MEMORY_LEAK = 721,
    CUDA_ERROR_NOT_PERMITTED = 800,
    CUDA_ERROR_NOT_SUPPORTED = 801,
    CUDA_ERROR_SYSTEM_NOT_READY = 802,
    CUDA_ERROR_SYSTEM_DRIVER_MISMATCH = 803,
    CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE = 804,
    CUDA_ERROR_MPS_CONNECTION_FAILED = 805,
    CUDA_ERROR_MPS_RPC_FAILURE = 806,
    CUDA_ERROR_MPS_SERVER_NOT_READY = 807,
    CUDA_ERROR_MPS_MAX_CLIENTS_REACHED = 808,
    CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED = 809,
    CUDA_ERROR_MPS_CLIENT_TERMINATED = 810,
    CUDA_ERROR_CDP_NOT_SUPPORTED = 811,
    CUDA_ERROR_CDP_VERSION_MISMATCH = 812,
    CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900,
    CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901,
    CUDA_ERROR_STREAM_CAPTURE_MERGE = 902,
    CUDA_ERROR_STREAM_CAPTURE_UNMATCHED = 903,
    CUDA_ERROR_STREAM_CAPTURE_UNJOINED = 904,
    CUDA_ERROR_STREAM_CAPTURE_ISOLATION = 905,
    CUDA_ERROR_STREAM_CAPTURE_IMPLICIT = 906,
    CUDA_ERROR_CAPTURED_EVENT = 907,
    CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD = 908,
    CUDA_ERROR_TIMEOUT = 909,
    CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE = 910,
    CUDA_ERROR_EXTERNAL_DEVICE = 911,
    CUDA_ERROR_INVALID_CLUSTER_SIZE = 912,
    CUDA_ERROR_FUNCTION_NOT_LOADED = 913,
    CUDA_ERROR_INVALID_RESOURCE_TYPE = 914,
    CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION = 915,
    CUDA_ERROR_KEY_ROTATION = 916,
    CUDA_ERROR_UNKNOWN = 999,
}

/// <summary>The device attributes NetDsl queries (a subset of <c>CUdevice_attribute</c>).</summary>
public enum CUdevice_attribute
{
    CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
    CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8,
    CU_DEVICE_ATTRIBUTE_WARP_SIZE = 10,
    CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
    CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
}

/// <summary>Options of cuModuleLoadDataEx that NetDsl passes (a subset of <c>CUjit_option</c>).</summary>
public enum CUjit_option
{
    CU_JIT_INFO_LOG_BUFFER = 3,
    CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
    CU_JIT_ERROR_LOG_BUFFER = 5,
    CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
    CU_JIT_LOG_VERBOSE = 12,
}

[Flags]
public enum CUstream_flags : uint
{
    CU_STREAM_DEFAULT = 0,
    /// <summary>No implicit synchronization with the legacy default stream.</summary>
    CU_STREAM_NON_BLOCKING = 1,
}

[Flags]
public enum CUevent_flags : uint
{
    CU_EVENT_DEFAULT = 0,
    CU_EVENT_BLOCKING_SYNC = 1,
    CU_EVENT_DISABLE_TIMING = 2,
    CU_EVENT_INTERPROCESS = 4,
}

/// <summary>The <c>CU_MEMHOSTALLOC_*</c> flags of cuMemHostAlloc.</summary>
[Flags]
public enum CUmemhostalloc_flags : uint
{
    None = 0,
    CU_MEMHOSTALLOC_PORTABLE = 1,
    CU_MEMHOSTALLOC_DEVICEMAP = 2,
    CU_MEMHOSTALLOC_WRITECOMBINED = 4,
}

/// <summary>The function attributes NetDsl sets (cuda.h's <c>CUfunction_attribute</c>).</summary>
public enum CUfunction_attribute
{
    /// <summary>Dynamic shared memory a launch may ask for; above 48 KB a kernel must opt in first.</summary>
    CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
}

public enum CUstreamCaptureMode
{
    CU_STREAM_CAPTURE_MODE_GLOBAL = 0,
    CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1,
    CU_STREAM_CAPTURE_MODE_RELAXED = 2,
}

/// <summary>Flags of cuGraphInstantiateWithFlags (C: <c>unsigned long long</c>).</summary>
[Flags]
public enum CUgraphInstantiate_flags : ulong
{
    None = 0,
    CUDA_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH = 1,
    CUDA_GRAPH_INSTANTIATE_FLAG_UPLOAD = 2,
    CUDA_GRAPH_INSTANTIATE_FLAG_DEVICE_LAUNCH = 4,
    CUDA_GRAPH_INSTANTIATE_FLAG_USE_NODE_PRIORITY = 8,
}

#endregion

/// <summary>
/// The raw driver API. Calls need the calling thread to have a current context (see <see cref="CudaDevice.MakeCurrent"/>);
/// prefer the wrappers (<see cref="CudaDevice"/>, <see cref="DeviceBuffer"/>, ...), which check every result.
/// </summary>
public static unsafe partial class CudaApi
{
    /// <summary>The name the imports below use; <see cref="CudaLibraries"/> maps it to the real driver library.</summary>
    internal const string Library = "netdsl-cuda-driver";

    static CudaApi() => CudaLibraries.EnsureResolver();

    #region Initialization and version

    [LibraryImport(Library)]
    public static partial CUresult cuInit(uint flags);

    /// <summary>The CUDA version the driver supports, as 1000 × major + 10 × minor (12040 is 12.4).</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuDriverGetVersion(out int driverVersion);

    #endregion

    #region Errors

    /// <summary>Points <paramref name="name"/> at a static string such as "CUDA_ERROR_OUT_OF_MEMORY".</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuGetErrorName(CUresult error, out nint name);

    /// <summary>Points <paramref name="description"/> at a static string such as "out of memory".</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuGetErrorString(CUresult error, out nint description);

    #endregion

    #region Device

    [LibraryImport(Library)]
    public static partial CUresult cuDeviceGetCount(out int count);

    [LibraryImport(Library)]
    public static partial CUresult cuDeviceGet(out CUdevice device, int ordinal);

    /// <summary>Writes a NUL-terminated ASCII name of at most <paramref name="length"/> bytes.</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuDeviceGetName(byte* name, int length, CUdevice device);

    [LibraryImport(Library)]
    public static partial CUresult cuDeviceTotalMem_v2(out nuint bytes, CUdevice device);

    [LibraryImport(Library)]
    public static partial CUresult cuDeviceGetAttribute(out int value, CUdevice_attribute attribute, CUdevice device);

    #endregion

    #region Context

    /// <summary>Retains the device's primary context (the one the runtime API shares), creating it on first use.</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuDevicePrimaryCtxRetain(out CUcontext context, CUdevice device);

    [LibraryImport(Library)]
    public static partial CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device);

    [LibraryImport(Library)]
    public static partial CUresult cuCtxSetCurrent(CUcontext context);

    [LibraryImport(Library)]
    public static partial CUresult cuCtxGetCurrent(out CUcontext context);

    /// <summary>Makes <paramref name="context"/> current until the matching pop, which restores the thread's previous one.</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuCtxPushCurrent_v2(CUcontext context);

    [LibraryImport(Library)]
    public static partial CUresult cuCtxPopCurrent_v2(out CUcontext context);

    [LibraryImport(Library)]
    public static partial CUresult cuCtxGetDevice(out CUdevice device);

    [LibraryImport(Library)]
    public static partial CUresult cuCtxSynchronize();

    #endregion

    #region Module

    /// <summary>Loads a CUBIN, fatbin or NUL-terminated PTX image (PTX is JIT-compiled for the current device).</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuModuleLoadData(out CUmodule module, void* image);

    [LibraryImport(Library)]
    public static partial CUresult cuModuleLoadDataEx(
        out CUmodule module, void* image, uint optionCount, CUjit_option* options, void** optionValues);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial CUresult cuModuleGetFunction(out CUfunction function, CUmodule module, string name);

    [LibraryImport(Library)]
    public static partial CUresult cuModuleUnload(CUmodule module);

    #endregion

    #region Memory

    [LibraryImport(Library)]
    public static partial CUresult cuMemAlloc_v2(out CUdeviceptr pointer, nuint bytes);

    [LibraryImport(Library)]
    public static partial CUresult cuMemFree_v2(CUdeviceptr pointer);

    [LibraryImport(Library)]
    public static partial CUresult cuMemGetInfo_v2(out nuint free, out nuint total);

    [LibraryImport(Library)]
    public static partial CUresult cuMemcpyHtoD_v2(CUdeviceptr destination, void* source, nuint bytes);

    [LibraryImport(Library)]
    public static partial CUresult cuMemcpyDtoH_v2(void* destination, CUdeviceptr source, nuint bytes);

    [LibraryImport(Library)]
    public static partial CUresult cuMemcpyDtoD_v2(CUdeviceptr destination, CUdeviceptr source, nuint bytes);

    /// <summary>Asynchronous only from page-locked host memory; from pageable memory it stages and may block.</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr destination, void* source, nuint bytes, CUstream stream);

    [LibraryImport(Library)]
    public static partial CUresult cuMemcpyDtoHAsync_v2(void* destination, CUdeviceptr source, nuint bytes, CUstream stream);

    [LibraryImport(Library)]
    public static partial CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr destination, CUdeviceptr source, nuint bytes, CUstream stream);

    /// <summary>Sets <paramref name="count"/> 32-bit words (not bytes) to <paramref name="value"/>.</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuMemsetD32_v2(CUdeviceptr destination, uint value, nuint count);

    [LibraryImport(Library)]
    public static partial CUresult cuMemsetD32Async(CUdeviceptr destination, uint value, nuint count, CUstream stream);

    [LibraryImport(Library)]
    public static partial CUresult cuMemsetD8_v2(CUdeviceptr destination, byte value, nuint count);

    [LibraryImport(Library)]
    public static partial CUresult cuMemsetD8Async(CUdeviceptr destination, byte value, nuint count, CUstream stream);

    /// <summary>Page-locked host memory, which asynchronous copies need to overlap with host work.</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuMemHostAlloc(out void* pointer, nuint bytes, CUmemhostalloc_flags flags);

    [LibraryImport(Library)]
    public static partial CUresult cuMemFreeHost(void* pointer);

    #endregion

    #region Streams

    [LibraryImport(Library)]
    public static partial CUresult cuStreamCreate(out CUstream stream, CUstream_flags flags);

    [LibraryImport(Library)]
    public static partial CUresult cuStreamSynchronize(CUstream stream);

    [LibraryImport(Library)]
    public static partial CUresult cuStreamDestroy_v2(CUstream stream);

    #endregion

    #region Events

    [LibraryImport(Library)]
    public static partial CUresult cuEventCreate(out CUevent @event, CUevent_flags flags);

    [LibraryImport(Library)]
    public static partial CUresult cuEventRecord(CUevent @event, CUstream stream);

    [LibraryImport(Library)]
    public static partial CUresult cuEventSynchronize(CUevent @event);

    /// <summary>
    /// Milliseconds between two recorded events (about 0.5 µs resolution). The original symbol: CUDA 13's header maps
    /// the name to cuEventElapsedTime_v2, which drivers before 12.8 lack; every driver keeps exporting this one.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CUresult cuEventElapsedTime(out float milliseconds, CUevent start, CUevent end);

    [LibraryImport(Library)]
    public static partial CUresult cuEventDestroy_v2(CUevent @event);

    #endregion

    #region Launch

    /// <summary>
    /// Enqueues a kernel. <paramref name="kernelParams"/> holds one pointer per kernel parameter, each pointing at that
    /// parameter's value; the driver copies the values before returning, so they may live on the caller's stack.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CUresult cuLaunchKernel(
        CUfunction function,
        uint gridDimX, uint gridDimY, uint gridDimZ,
        uint blockDimX, uint blockDimY, uint blockDimZ,
        uint sharedMemBytes, CUstream stream, void** kernelParams, void** extra);

    [LibraryImport(Library)]
    public static partial CUresult cuFuncSetAttribute(CUfunction function, CUfunction_attribute attribute, int value);

    #endregion

    #region Graphs

    [LibraryImport(Library)]
    public static partial CUresult cuStreamBeginCapture_v2(CUstream stream, CUstreamCaptureMode mode);

    /// <summary>Ends capture; on failure (an invalidated capture) <paramref name="graph"/> is NULL.</summary>
    [LibraryImport(Library)]
    public static partial CUresult cuStreamEndCapture(CUstream stream, out CUgraph graph);

    [LibraryImport(Library)]
    public static partial CUresult cuGraphInstantiateWithFlags(out CUgraphExec graphExec, CUgraph graph, CUgraphInstantiate_flags flags);

    [LibraryImport(Library)]
    public static partial CUresult cuGraphLaunch(CUgraphExec graphExec, CUstream stream);

    [LibraryImport(Library)]
    public static partial CUresult cuGraphExecDestroy(CUgraphExec graphExec);

    [LibraryImport(Library)]
    public static partial CUresult cuGraphDestroy(CUgraph graph);

    #endregion
}
