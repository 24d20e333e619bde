using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cuda;

/// <summary>An NVRTC call failed for a reason other than the source not compiling (see <see cref="NvrtcCompileException"/>).</summary>
public class NvrtcException : Exception
{
    public NvrtcException(nvrtcResult result, string message) : base(message)
    {
        Result = result;
    }

    public nvrtcResult Result { get; }

    public static void Check(nvrtcResult result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != nvrtcResult.NVRTC_SUCCESS)
            throw new NvrtcException(result, $"{call} failed: {Name(result)} ({(int)result})");
    }

    /// <summary>NVRTC's name for a result, or the enum's when NVRTC is not loaded.</summary>
    internal static string Name(nvrtcResult result)
    {
        if (CudaLibraries.IsNvrtcLoaded)
        {
            try
            {
                if (Marshal.PtrToStringUTF8(NvrtcApi.nvrtcGetErrorString(result)) is { Length: > 0 } name) return name;
            }
            catch (EntryPointNotFoundException)
            {
                // Fall through to the enum's name.
            }
        }
        return Enum.IsDefined(result) ? result.ToString() : $"nvrtcResult {(int)result}";
    }
}
