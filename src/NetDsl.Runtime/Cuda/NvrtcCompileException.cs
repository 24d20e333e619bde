namespace NetDsl.Runtime.Cuda;

/// <summary>
/// NVRTC rejected a generated kernel source. Carries NVRTC's log and which network and source it was, because a
/// compile error in generated code is a NetDsl bug whose report needs all three.
/// </summary>
public sealed class NvrtcCompileException : NvrtcException
{
    public NvrtcCompileException(string networkName, string sourceName, string log, IReadOnlyList<string> options)
        : base(nvrtcResult.NVRTC_ERROR_COMPILATION, Format(networkName, sourceName, log, options))
    {
        NetworkName = networkName;
        SourceName = sourceName;
        Log = log;
        Options = options;
    }

    public string NetworkName { get; }

    /// <summary>The kernel source's name as given to NVRTC (it prefixes every line of the log).</summary>
    public string SourceName { get; }

    public string Log { get; }

    public IReadOnlyList<string> Options { get; }

    static string Format(string networkName, string sourceName, string log, IReadOnlyList<string> options)
    {
        string text = string.IsNullOrWhiteSpace(log) ? "(NVRTC left no log)" : log.TrimEnd();
        return $"NVRTC could not compile {sourceName} of network {networkName} (options: {string.Join(' ', options)}):\n{text}";
    }
}
