namespace NetDsl.Runtime.Checkpoints;

/// <summary>
/// The safetensors checkpoint format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the tensors' little-endian, row-major bytes back to back.
/// </summary>
public static class SafeTensors
{
    /// <summary>The reference implementation's limit; a longer header means a corrupt file, or not a safetensors file at all.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>
    /// Writes F32 <paramref name="tensors"/> and optional string <paramref name="metadata"/> to <paramref name="path"/>
    /// atomically: every tensor is checked first, then the file is written beside the target, flushed to disk and
    /// renamed over it, so a failure at any point leaves the previous file as it was. Tensors are stored sorted by name,
    /// as the reference implementation stores them.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor is null, unnamed, named twice or "__metadata__", or its data length is not the product of its shape.</exception>
    public static void Write(string path, IEnumerable<TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensorsWriter.Write(path, tensors, metadata);

    /// <summary>Reads and strictly validates a safetensors file, converting F32, F64, F16 and BF16 tensors to float.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SafeTensorsFormatException">The file breaks the format or holds another dtype; the message names the tensor at fault.</exception>
    public static SafeTensorsFile Read(string path) => SafeTensorsReader.Read(path);
}
