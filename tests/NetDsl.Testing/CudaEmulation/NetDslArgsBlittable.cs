using System.Runtime.InteropServices;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>
/// NetDslArgs of netdsl_abi.cuh field for field (pointers as <see cref="nint"/>), passed by value to every generated
/// kernel. A layout test compares it with the compiled header's sizeof and offsetof.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct NetDslArgsBlittable
{
    public nint Activations;         // float*
    public nint Gradients;           // float*
    public nint Parameters;          // float*
    public nint ParameterGradients;  // float*
    public nint Scratch;             // float*
    public nint Reductions;          // float*
    public nint Labels;              // const int*
    public nint Losses;              // float*
    public int N;
    public int Capacity;
    public int BatchSize;
    public int Training;
    public ulong Seed;
}
