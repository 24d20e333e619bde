using System.Text;

namespace NetDsl.Runtime.Cuda;

internal static class Utf8
{
    /// <summary>The text of a C string in <paramref name="buffer"/>: up to its first NUL, or all of it.</summary>
    public static string Terminated(ReadOnlySpan<byte> buffer)
    {
        int length = buffer.IndexOf((byte)0);
        return Encoding.UTF8.GetString(length < 0 ? buffer : buffer[..length]);
    }
}
