using System.Diagnostics;
using System.Reflection;

namespace NetDsl.Cli.Tests;

/// <summary>Runs the netdsl command and dotnet from the repository this test was built in, capturing their output.</summary>
internal static class Processes
{
    public sealed record Result(int ExitCode, string Output)
    {
        public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToArray();

        public override string ToString() => $"exit code {ExitCode}:\n{Output}";
    }

    public static readonly string RepositoryRoot = FindRoot();

    /// <summary>Release or Debug, as this test assembly was built (so the CLI and the sample reuse that build).</summary>
    public static readonly string Configuration = typeof(Processes).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public static Result Netdsl(IEnumerable<string> arguments, IDictionary<string, string>? environment = null) =>
        Run([Path.Combine(RepositoryRoot, "src", "NetDsl.Cli", "bin", Configuration, "net10.0", "NetDsl.Cli.dll"), .. arguments], environment);

    /// <summary>
    /// No build servers and no node reuse: a server or node outliving the build would hold the output pipe open. The
    /// test host's MSBuild variables are dropped so the child build finds its own SDK.
    /// </summary>
    public static Result DotnetBuild(string project, params string[] arguments) =>
        Run(["build", project, "-c", Configuration, "--disable-build-servers", "-nodeReuse:false", "-nologo", .. arguments]);

    static Result Run(string[] arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Dotnet, arguments)
        {
            WorkingDirectory = RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string variable in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
            start.Environment.Remove(variable);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} ran over 3 minutes.");
        }
        // A process it started and left running would hold the pipes open: give them a moment, no more.
        if (!Task.WaitAll([output, error], TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} exited, but something it started still holds its output.");
        return new Result(process.ExitCode, output.Result + error.Result);
    }

    static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "NetDsl.sln"))) return directory.FullName;
        throw new DirectoryNotFoundException($"No NetDsl.sln above {AppContext.BaseDirectory}.");
    }
}
