using System.CommandLine;
using NetDsl.Networks;

namespace NetDsl.Cli.Commands;

/// <summary>Arguments and options several commands share, declared once.</summary>
internal static class CommonOptions
{
    public static Argument<string> NetworkArgument() => new("network")
    {
        Description = $"The network to use: {string.Join(", ", Zoo.Names)}.",
    };
}

internal static class Units
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
