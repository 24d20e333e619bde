using System.IO.Compression;
using System.Numerics;

namespace NetDsl.Runtime.Data;

/// <summary>Reads IDX files, the format of MNIST and Fashion-MNIST, gzipped or raw.</summary>
public static class IdxFile
{
    // A gzip stream's decompressed size is unknown until it has been read, so a lying header must not
    // make us allocate its claimed size up front: start at this much and grow as data actually arrives.
    private const int UntrustedInitialCapacity = 64 << 20;

    /// <summary>Reads and strictly validates <paramref name="path"/>; gzip is recognized by its magic bytes, not the extension.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IdxFormatException">The file is not a well-formed IDX file (or not well-formed gzip).</exception>
    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"IDX file not found: {path}", path);

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        bool gzipped = StartsWithGzipMagic(file);
        try
        {
            using var content = gzipped ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : (Stream)file;
            var header = IdxHeader.Read(content, path);
            long? storedPayloadLength = gzipped ? null : file.Length - header.ByteLength;
            var payload = ReadPayload(content, header, storedPayloadLength, path);
            return new IdxArray(header.ElementType, header.Dimensions, payload);
        }
        catch (InvalidDataException e) when (gzipped)
        {
            // The inner message can be misleading (a checksum mismatch reads "unsupported compression method").
            throw new IdxFormatException(path, $"the gzip data is corrupt: it failed to decompress or its checksum does not match ({e.Message})", e);
        }
    }

    private static bool StartsWithGzipMagic(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        int found = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return found == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    private static byte[] ReadPayload(Stream content, IdxHeader header, long? storedLength, string path)
    {
        BigInteger expected = header.PayloadLength;
        // A raw file's size is known, so a wrong header is caught here, before anything is allocated.
        if (storedLength is long stored && expected != stored)
            throw PayloadLengthMismatch(path, header, stored, gzipped: false);
        if (expected > Array.MaxLength)
            throw new IdxFormatException(path, $"the header declares {expected:N0} bytes of data ({header}), more than the {Array.MaxLength:N0} bytes one array can hold");

        int length = (int)expected;
        var buffer = new byte[storedLength is null ? Math.Min(length, UntrustedInitialCapacity) : length];
        int filled = 0;
        while (true)
        {
            filled += content.ReadAtLeast(buffer.AsSpan(filled), buffer.Length - filled, throwOnEndOfStream: false);
            if (filled < buffer.Length)
                throw PayloadLengthMismatch(path, header, filled, gzipped: storedLength is null);
            if (filled == length)
                break;
            Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
        }

        long trailing = CountRemainingBytes(content);
        if (trailing > 0)
            throw PayloadLengthMismatch(path, header, length + trailing, gzipped: storedLength is null);
        return buffer;
    }

    private static long CountRemainingBytes(Stream content)
    {
        var scratch = new byte[1 << 16];
        long total = 0;
        for (int read; (read = content.Read(scratch)) > 0;)
            total += read;
        return total;
    }

    private static IdxFormatException PayloadLengthMismatch(string path, IdxHeader header, long found, bool gzipped)
    {
        BigInteger expected = header.PayloadLength;
        string verdict = found < expected ? "the file is truncated" : $"{found - expected:N0} unexpected trailing bytes";
        string decompressed = gzipped ? " after decompression" : "";
        return new IdxFormatException(path,
            $"expected {expected:N0} bytes of data after the {header.ByteLength}-byte header ({header}), found {found:N0}{decompressed}; {verdict}");
    }
}
