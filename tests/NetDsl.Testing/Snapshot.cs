using System.Runtime.CompilerServices;
using Xunit.Sdk;

namespace NetDsl.Testing;

/// <summary>
/// Approved-file snapshots: <c>Snapshots/NAME.verified.EXT</c> beside the calling test file is the approved text.
/// On a mismatch the actual text goes to <c>NAME.received.EXT</c> and the test fails with the first difference;
/// run with NETDSL_ACCEPT=1 to approve every received text.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "NETDSL_ACCEPT";

    public static void Match(string actual, string name, string extension = "txt", [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        string verified = Path.Combine(directory, $"{name}.verified.{extension}");
        string received = Path.Combine(directory, $"{name}.received.{extension}");
        actual = Normalize(actual);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        string? expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(received, actual);
        throw new XunitException(expected is null
            ? $"No approved snapshot {verified}. Review {received}, then rerun with {AcceptVariable}=1 to approve it."
            : $"Snapshot {name} differs from {verified}; {FirstDifference(expected, actual)}. "
              + $"The new text is in {received}; rerun with {AcceptVariable}=1 to approve it.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string? x = i < e.Length ? e[i] : null, y = i < a.Length ? a[i] : null;
            if (x != y) return $"first difference at line {i + 1}:\n  approved: {x ?? "<end of file>"}\n  received: {y ?? "<end of file>"}";
        }
        return "they differ only in line endings";
    }
}
