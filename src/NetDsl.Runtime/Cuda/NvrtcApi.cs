using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cuda;

// Bindings to NVRTC (libnvrtc.so.* / nvrtc64_*.dll), the runtime CUDA C++ compiler. Its ABI has been stable since 11.2,
// the oldest release NetDsl looks for; nvrtcGetCUBIN needs 11.1, nvrtcGetSupportedArchs 11.2.

#region Handles and results

/// <summary>An NVRTC program (C: <c>typedef struct _nvrtcProgram *nvrtcProgram</c>).</summary>
public readonly record struct nvrtcProgram(nint Handle);

/// <summary>NVRTC result codes; names match nvrtcGetErrorString.</summary>
public enum nvrtcResult
{
    NVRTC_SUCCESS = 0,
    NVRTC_ERROR_OUT_OF_MEMORY = 1,
    NVRTC_ERROR_PROGRAM_CREATION_FAILURE = 2,
    NVRTC_ERROR_INVALID_INPUT = 3,
    NVRTC_ERROR_INVALID_PROGRAM = 4,
    NVRTC_ERROR_INVALID_OPTION = 5,
    NVRTC_ERROR_COMPILATION = 6,
    NVRTC_ERROR_BUILTIN_OPERATION_FAILURE = 7,
    NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION = 8,
    NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION = 9,
    NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID = 10,
    NVRTC_ERROR_INTERNAL_ERROR = 11,
    NVRTC_ERROR_TIME_FILE_WRITE_FAILED = 12,
    NVRTC_ERROR_NO_PCH_CREATE_ATTEMPTED = 13,
    NVRTC_ERROR_PCH_CREATE_HEAP_EXHAUSTED = 14,
    NVRTC_ERROR_PCH_CREATE = 15,
    NVRTC_ERROR_CANCELLED = 16,
    NVRTC_ERROR_TIME_TRACE_FILE_WRITE_FAILED = 17,
}

#endregion

/// <summary>The raw NVRTC API; <see cref="Nvrtc"/> wraps it.</summary>
public static unsafe partial class NvrtcApi
{
    /// <summary>The name the imports below use; <see cref="CudaLibraries"/> maps it to the real NVRTC library.</summary>
    internal const string Library = "netdsl-nvrtc";

    static NvrtcApi() => CudaLibraries.EnsureResolver();

    #region Version and errors

    [LibraryImport(Library)]
    public static partial nvrtcResult nvrtcVersion(out int major, out int minor);

    /// <summary>Returns a static string naming the result, such as "NVRTC_ERROR_COMPILATION".</summary>
    [LibraryImport(Library)]
    public static partial nint nvrtcGetErrorString(nvrtcResult result);

    [LibraryImport(Library)]
    public static partial nvrtcResult nvrtcGetNumSupportedArchs(out int count);

    /// <summary>Fills <paramref name="architectures"/> (sized by nvrtcGetNumSupportedArchs) with values such as 75, 80, 90.</summary>
    [LibraryImport(Library)]
    public static partial nvrtcResult nvrtcGetSupportedArchs(int* architectures);

    #endregion

    #region Programs

    /// <summary>
    /// Creates a program from <paramref name="source"/>; <paramref name="headers"/>[i] is the text that
    /// <c>#include "includeNames[i]"</c> resolves to. <paramref name="name"/> appears in diagnostics.
    /// </summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nvrtcResult nvrtcCreateProgram(
        out nvrtcProgram program, string source, string name, int headerCount, string[]? headers, string[]? includeNames);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nvrtcResult nvrtcCompileProgram(nvrtcProgram program, int optionCount, string[]? options);

    [LibraryImport(Library)]
    public static partial nvrtcResult nvrtcDestroyProgram(ref nvrtcProgram program);

    #endregion

    #region Results

    /// <summary>The log's size in bytes, including its NUL terminator.</summary>
    [LibraryImport(Library)]
    public static partial nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram program, out nuint size);

    [LibraryImport(Library)]
    public static partial nvrtcResult nvrtcGetProgramLog(nvrtcProgram program, byte* log);

    /// <summary>0 when the program was compiled for a virtual architecture (compute_XY): then only PTX exists.</summary>
    [LibraryImport(Library)]
    public static partial nvrtcResult nvrtcGetCUBINSize(nvrtcProgram program, out nuint size);

    [LibraryImport(Library)]
    public static partial nvrtcResult nvrtcGetCUBIN(nvrtcProgram program, byte* cubin);

    /// <summary>The PTX's size in bytes, including its NUL terminator.</summary>
    [LibraryImport(Library)]
    public static partial nvrtcResult nvrtcGetPTXSize(nvrtcProgram program, out nuint size);

    [LibraryImport(Library)]
    public static partial nvrtcResult nvrtcGetPTX(nvrtcProgram program, byte* ptx);

    #endregion
}
