namespace NetDsl.Runtime.Checkpoints;

/// <summary>
/// Replaces a file only once its new contents are complete and flushed to disk: the contents go to a temporary
/// file beside it, which is then renamed over it. A crash or an error leaves the old file or the new one, never a mix.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> writeContents)
    {
        string fullPath = Path.GetFullPath(path);
        string name = Path.GetFileName(fullPath);
        if (name.Length == 0)
            throw new ArgumentException($"'{path}' names a directory, not a file.", nameof(path));
        string directory = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot write {fullPath}: the directory {directory} does not exist.");

        // Same directory, so the rename stays within one file system, where it is atomic.
        string temporary = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                writeContents(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one worth reporting; a stray temporary file is harmless.
        }
    }
}
