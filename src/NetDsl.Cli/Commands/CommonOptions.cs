using System.CommandLine;
using NetDsl.Networks;

namespace NetDsl.Cli.Commands;

/// <summary>Arguments and options several commands share, declared once.</summary>
internal static class CommonOptions
{
    public static Option<string?> DataOption() => new("--data")
    {
        Description = $"Folder with the four Fashion-MNIST IDX files (default: {NetDsl.Runtime.Data.FashionMnist.DefaultDirectory}).",
    };

    /// <summary>
    /// Runs a command, turning the errors a user can fix (missing data, bad files, bad arguments) into one red line
    /// and exit code 2 instead of a stack trace.
    /// </summary>
    public static int Guard(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e) when (e is NetDsl.Runtime.Data.DatasetNotFoundException or InvalidDataException or IOException or ArgumentException
            or NetDsl.Runtime.Cuda.CudaUnavailableException or NetDsl.Runtime.Cuda.NvrtcException)
        {
            // Not through Spectre, which would wrap a long message into several lines.
            Spectre.Console.AnsiConsole.Markup("[red]error:[/] ");
            Console.WriteLine(e.Message);
            return 2;
        }
    }

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
