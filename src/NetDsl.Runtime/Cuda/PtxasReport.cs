using System.Text.RegularExpressions;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// What ptxas said about one function of a CUBIN (NVRTC's log under <c>--ptxas-options=-v</c>): a kernel (an entry
/// function) or a device function it could not inline. ptxas reports registers and static shared memory for kernels only.
/// </summary>
public sealed record PtxasFunction(
    string Name, bool IsKernel, int Registers, int StackFrameBytes, int SpillStoreBytes, int SpillLoadBytes, int StaticSharedBytes)
{
    public int SpillBytes => SpillStoreBytes + SpillLoadBytes;
}

/// <summary>
/// Reads ptxas' verbose report (NVRTC 11.8 and 12.x word it alike). Per kernel it prints, in this order:
/// <code>
/// ptxas info    : Compiling entry function 'conv1_backward' for 'sm_90'
/// ptxas info    : Function properties for conv1_backward
/// ptxas         .     40 bytes stack frame, 40 bytes spill stores, 40 bytes spill loads
/// ptxas info    : Used 255 registers, 40 bytes cumulative stack size, 8 bytes smem, 384 bytes cmem[0]
/// </code>
/// and a "Function properties" block with its stack line for each non-inlined device function. The parts after the
/// register count vary with version and architecture, so each is matched on its own.
/// </summary>
public static partial class PtxasReport
{
    /// <summary>Kernels in the order ptxas compiled them, then device functions.</summary>
    public static IReadOnlyList<PtxasFunction> Parse(string log)
    {
        var kernels = new List<string>();
        var registers = new Dictionary<string, (int Registers, int Shared)>(StringComparer.Ordinal);
        var frames = new Dictionary<string, (int Stack, int Stores, int Loads)>(StringComparer.Ordinal);
        var functions = new List<string>();
        string? kernel = null, described = null;
        foreach (string line in log.Split('\n'))
        {
            if (EntryLine().Match(line) is { Success: true } entry)
            {
                kernel = entry.Groups[1].Value;
                if (!kernels.Contains(kernel)) kernels.Add(kernel);
            }
            else if (PropertiesLine().Match(line) is { Success: true } properties)
            {
                described = properties.Groups[1].Value;
                if (!functions.Contains(described)) functions.Add(described);
            }
            else if (FrameLine().Match(line) is { Success: true } frame && described is not null)
                frames[described] = (Number(frame, 1), Number(frame, 2), Number(frame, 3));
            else if (UsedLine().Match(line) is { Success: true } used && kernel is not null)
                // "Used" lines come only for entries: always the kernel being compiled, whatever block came before.
                registers[kernel] = (Number(used, 1), SharedLine().Match(line) is { Success: true } shared ? Number(shared, 1) : 0);
        }

        PtxasFunction Function(string name, bool isKernel)
        {
            var (stack, stores, loads) = frames.GetValueOrDefault(name);
            var (count, shared) = registers.GetValueOrDefault(name);
            return new PtxasFunction(name, isKernel, count, stack, stores, loads, shared);
        }
        return [.. kernels.Select(name => Function(name, true)), .. functions.Except(kernels).Select(name => Function(name, false))];
    }

    static int Number(Match match, int group) => int.Parse(match.Groups[group].ValueSpan);

    [GeneratedRegex(@"^ptxas info\s*: Compiling entry function '([^']+)'")]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"^ptxas info\s*: Function properties for (\S+)")]
    private static partial Regex PropertiesLine();

    [GeneratedRegex(@"^ptxas\s+\.\s+(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"^ptxas info\s*: Used (\d+) registers")]
    private static partial Regex UsedLine();

    [GeneratedRegex(@"\b(\d+) bytes smem\b")]
    private static partial Regex SharedLine();
}
