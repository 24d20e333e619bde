using System.Security.Cryptography;
using System.Text;
using NetDsl.Runtime.Checkpoints;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// Compiled kernels on disk, so a network compiles once per machine rather than once per run. An entry is keyed by
/// SHA-256 over everything that decides its bytes: the source, its headers and options, the GPU's compute capability,
/// and the driver and NVRTC versions. The cache is only ever an optimization: an entry that cannot be read, or fails
/// its checksum, is reported to <c>warn</c> and rebuilt, and a cache that cannot be written is skipped.
/// </summary>
public sealed class CudaKernelCache
{
    /// <summary>NetDsl's cache root; kernels go in its <c>kernels</c> folder. Default: <c>~/.cache/netdsl</c>.</summary>
    public const string DirectoryVariable = "NETDSL_CACHE";

    public delegate KernelImage Compiler(KernelSource source, KernelTarget target);

    // Bump when the key's inputs or the entry format change, so old entries are never misread.
    const string FormatTag = "netdsl-kernel-cache-v1";
    static readonly byte[] Magic = "NDSLKRN1"u8.ToArray();

    readonly Compiler _compile;
    readonly Action<string>? _warn;

    /// <param name="directory">Where entries live; <see cref="DefaultDirectory"/> when null.</param>
    /// <param name="compiler">Builds a missing entry; NVRTC when null.</param>
    /// <param name="warn">Told about entries ignored or not written; the cache never throws for them.</param>
    public CudaKernelCache(string? directory = null, Compiler? compiler = null, Action<string>? warn = null)
    {
        Directory = directory ?? DefaultDirectory();
        _compile = compiler ?? ((source, target) =>
            Nvrtc.Compile(source.Source, source.Name, source.Headers, source.Options, source.NetworkName, target.Device));
        _warn = warn;
    }

    public string Directory { get; }

    /// <summary><c>$NETDSL_CACHE/kernels</c>, else <c>~/.cache/netdsl/kernels</c> (the temporary folder when there is no home).</summary>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } root) return Path.Combine(root, "kernels");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length > 0
            ? Path.Combine(home, ".cache", "netdsl", "kernels")
            : Path.Combine(Path.GetTempPath(), "netdsl", "kernels");
    }

    /// <summary>The cached image for <paramref name="source"/> on <paramref name="target"/>, compiling and storing it on a miss.</summary>
    public KernelImage GetOrCompile(KernelSource source, KernelTarget target)
    {
        byte[] key = KeyBytes(source, target);
        string path = PathOf(key);
        if (TryRead(path, key) is { } cached) return cached;
        var image = _compile(source, target);
        TryWrite(path, key, image);
        return image;
    }

    /// <summary>Loads <paramref name="source"/>'s module on <paramref name="device"/>, compiling it only on a cache miss.</summary>
    public CudaModule LoadModule(CudaDevice device, KernelSource source) =>
        device.LoadModule(GetOrCompile(source, KernelTarget.For(device)), $"{source.NetworkName}/{source.Name}");

    /// <summary>The entry's key as lowercase hex; also its file name.</summary>
    public static string Key(KernelSource source, KernelTarget target) => Convert.ToHexStringLower(KeyBytes(source, target));

    public string PathOf(KernelSource source, KernelTarget target) => PathOf(KeyBytes(source, target));

    string PathOf(byte[] key) => Path.Combine(Directory, Convert.ToHexStringLower(key) + ".kernel");

    static byte[] KeyBytes(KernelSource source, KernelTarget target)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Every field is length-prefixed, so no two different inputs hash the same concatenation.
        void Add(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
            hash.AppendData(bytes);
        }
        Add(FormatTag);
        Add(source.Name);
        Add(source.Source);
        Add(source.Headers.Count.ToString());
        foreach (var (name, text) in source.Headers)
        {
            Add(name);
            Add(text);
        }
        Add(source.Options.Count.ToString());
        foreach (string option in source.Options) Add(option);
        Add(target.Device.ToString());
        Add(target.Driver.ToString());
        Add(target.Nvrtc.ToString());
        return hash.GetHashAndReset();
    }

    // Entry: magic, key, kind (int32), target (length-prefixed UTF-8), payload length (int32), payload SHA-256, payload.
    KernelImage? TryRead(string path, byte[] key)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new InvalidDataException("not a kernel cache entry");
            if (!reader.ReadBytes(key.Length).AsSpan().SequenceEqual(key)) throw new InvalidDataException("it belongs to another key");
            var kind = (KernelImageKind)reader.ReadInt32();
            if (!Enum.IsDefined(kind)) throw new InvalidDataException($"unknown image kind {(int)kind}");
            string target = reader.ReadString();
            int length = reader.ReadInt32();
            byte[] checksum = reader.ReadBytes(32);
            long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
            if (length <= 0 || length != remaining) throw new InvalidDataException($"{remaining} bytes of image where {length} were written");
            byte[] payload = reader.ReadBytes(length);
            if (!SHA256.HashData(payload).AsSpan().SequenceEqual(checksum)) throw new InvalidDataException("its checksum does not match");
            return new KernelImage(kind, target, payload);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // A plain miss.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
        {
            _warn?.Invoke($"Ignoring kernel cache entry {path} ({e.Message}); recompiling.");
            return null;
        }
    }

    void TryWrite(string path, byte[] key, KernelImage image)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            AtomicFile.Write(path, stream =>
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                writer.Write(Magic);
                writer.Write(key);
                writer.Write((int)image.Kind);
                writer.Write(image.Target);
                writer.Write(image.Bytes.Length);
                writer.Write(SHA256.HashData(image.Bytes));
                writer.Write(image.Bytes);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            _warn?.Invoke($"Could not store kernel cache entry {path} ({e.Message}); it will be compiled again next time.");
        }
    }
}
