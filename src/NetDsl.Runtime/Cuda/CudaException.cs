using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cuda;

/// <summary>A CUDA driver call failed. The message names the result, the driver's description of it and the call.</summary>
public sealed class CudaException : Exception
{
    /// <param name="details">What the caller knows that the driver does not (a JIT log, the kernel's name); on lines after the first.</param>
    public CudaException(CUresult result, string call, string? details = null)
        : this(result, call, details, DriverDescription(result))
    {
    }

    CudaException(CUresult result, string call, string? details, (string Name, string? Description) text)
        : base(Format(text.Name, result, text.Description, call, details))
    {
        Result = result;
        ErrorName = text.Name;
        Description = text.Description;
        Call = call;
        Details = details;
    }

    public CUresult Result { get; }

    /// <summary>The result's name as cuGetErrorName spells it, e.g. CUDA_ERROR_OUT_OF_MEMORY.</summary>
    public string ErrorName { get; }

    /// <summary>cuGetErrorString's description, e.g. "out of memory"; null when the driver could not say.</summary>
    public string? Description { get; }

    /// <summary>The failing call as written at the call site.</summary>
    public string Call { get; }

    public string? Details { get; }

    /// <summary>Throws a <see cref="CudaException"/> unless <paramref name="result"/> is CUDA_SUCCESS.</summary>
    public static void Check(CUresult result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != CUresult.CUDA_SUCCESS) throw new CudaException(result, call);
    }

    /// <summary>"cuMemAlloc_v2(...) failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", then any details.</summary>
    internal static string Format(string name, CUresult result, string? description, string call, string? details = null)
    {
        string message = description is null
            ? $"{call} failed: {name} ({(int)result})"
            : $"{call} failed: {name} ({(int)result}): {description}";
        return string.IsNullOrWhiteSpace(details) ? message : $"{message}\n{details.TrimEnd()}";
    }

    /// <summary>A result's name when the driver is not at hand: the enum's, or the bare number for one it lacks.</summary>
    internal static string FallbackName(CUresult result) =>
        Enum.IsDefined(result) ? result.ToString() : $"CUresult {(int)result}";

    /// <summary>The driver's own name and description, falling back to the enum's name when it is not loaded or does not know the code.</summary>
    static (string Name, string? Description) DriverDescription(CUresult result)
    {
        if (!CudaLibraries.IsDriverLoaded) return (FallbackName(result), null);
        try
        {
            string? name = CudaApi.cuGetErrorName(result, out nint n) == CUresult.CUDA_SUCCESS ? Marshal.PtrToStringUTF8(n) : null;
            string? description = CudaApi.cuGetErrorString(result, out nint d) == CUresult.CUDA_SUCCESS ? Marshal.PtrToStringUTF8(d) : null;
            return (name ?? FallbackName(result), description);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return (FallbackName(result), null);
        }
    }
}
