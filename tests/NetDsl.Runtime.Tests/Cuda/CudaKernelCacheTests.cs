using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

public sealed class CudaKernelCacheTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<string> _warnings = [];
    private int _compilations;

    public void Dispose() => _dir.Dispose();

    static readonly KernelSource Source = new(
        "#include \"netdsl_abi.cuh\"\nextern \"C\" __global__ void fc1_forward(NetDslArgs a) {}",
        "fc1_forward.cu",
        [("netdsl_abi.cuh", "struct NetDslArgs { int n; };")],
        ["-std=c++17", "--use_fast_math"],
        "LeNet5");

    static readonly KernelTarget Target = new(new ComputeCapability(9, 0), new CudaVersion(12, 8), new CudaVersion(12, 8));

    /// <summary>A stand-in for NVRTC whose output depends on its input, counting its calls.</summary>
    KernelImage FakeCompile(KernelSource source, KernelTarget target)
    {
        _compilations++;
        return new KernelImage(KernelImageKind.Cubin, target.Device.RealArchitecture,
            System.Text.Encoding.UTF8.GetBytes($"cubin of {source.Name} for {target.Device}"));
    }

    CudaKernelCache Cache(string? directory = null) => new(directory ?? _dir.Path, FakeCompile, _warnings.Add);

    string EntryPath => new CudaKernelCache(_dir.Path).PathOf(Source, Target);

    [Fact]
    public void The_key_changes_with_every_input()
    {
        KernelSource[] sources =
        [
            Source,
            Source with { Source = Source.Source + " " },
            Source with { Name = "fc1_backward.cu" },
            Source with { Headers = [("netdsl_abi.h", Source.Headers[0].Source)] },
            Source with { Headers = [(Source.Headers[0].Name, Source.Headers[0].Source + "\n")] },
            Source with { Headers = [.. Source.Headers, ("extra.cuh", "")] },
            Source with { Headers = [] },
            Source with { Options = ["-std=c++17"] },
            Source with { Options = ["--use_fast_math", "-std=c++17"] },
            Source with { Options = [.. Source.Options, "-lineinfo"] },
        ];
        KernelTarget[] targets =
        [
            Target with { Device = new(8, 0) },
            Target with { Device = new(9, 1) },
            Target with { Driver = new(12, 9) },
            Target with { Driver = new(13, 0) },
            Target with { Nvrtc = new(12, 9) },
            Target with { Nvrtc = new(13, 0) },
        ];

        string[] keys = [.. sources.Select(s => CudaKernelCache.Key(s, Target)), .. targets.Select(t => CudaKernelCache.Key(Source, t))];

        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.All(keys, key => Assert.Matches("^[0-9a-f]{64}$", key));
    }

    [Fact]
    public void Field_boundaries_are_part_of_the_key()
    {
        Assert.NotEqual(
            CudaKernelCache.Key(Source with { Headers = [("a", "bc")] }, Target),
            CudaKernelCache.Key(Source with { Headers = [("ab", "c")] }, Target));
        Assert.NotEqual(
            CudaKernelCache.Key(Source with { Options = ["-a -b"] }, Target),
            CudaKernelCache.Key(Source with { Options = ["-a", "-b"] }, Target));
    }

    [Fact]
    public void Equal_inputs_share_a_key_whatever_network_they_come_from()
    {
        var copy = new KernelSource(Source.Source, Source.Name, [.. Source.Headers], [.. Source.Options], "OtherNet");

        Assert.Equal(CudaKernelCache.Key(Source, Target), CudaKernelCache.Key(copy, Target));
    }

    [Fact]
    public void A_kernel_compiles_once_then_comes_from_disk()
    {
        var first = Cache().GetOrCompile(Source, Target);
        var second = Cache().GetOrCompile(Source, Target); // A new instance: the entry is on disk, not in memory.

        Assert.Equal(1, _compilations);
        Assert.Equal(KernelImageKind.Cubin, second.Kind);
        Assert.Equal("sm_90", second.Target);
        Assert.Equal(first.Bytes, second.Bytes);
        Assert.Equal([Path.GetFileName(EntryPath)], _dir.FileNames()); // No temporary file left behind.
        Assert.Empty(_warnings);
    }

    [Fact]
    public void Another_target_is_another_entry()
    {
        Cache().GetOrCompile(Source, Target);
        var other = Cache().GetOrCompile(Source, Target with { Device = new(8, 6) });

        Assert.Equal(2, _compilations);
        Assert.Equal("sm_86", other.Target);
        Assert.Equal(2, _dir.FileNames().Length);
    }

    public static TheoryData<string> Corruptions => ["flipped byte", "truncated", "garbage", "empty", "wrong key"];

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_corrupt_entry_is_ignored_rebuilt_and_repaired(string corruption)
    {
        var original = Cache().GetOrCompile(Source, Target);
        Corrupt(corruption);

        var rebuilt = Cache().GetOrCompile(Source, Target);
        var afterRepair = Cache().GetOrCompile(Source, Target);

        Assert.Equal(original.Bytes, rebuilt.Bytes);
        Assert.Equal(original.Bytes, afterRepair.Bytes);
        Assert.Equal(2, _compilations); // Once at first, once for the corrupt entry, then from the repaired entry.
        string warning = Assert.Single(_warnings);
        Assert.StartsWith($"Ignoring kernel cache entry {EntryPath} (", warning);
        Assert.EndsWith("); recompiling.", warning);
    }

    void Corrupt(string corruption)
    {
        byte[] bytes = File.ReadAllBytes(EntryPath);
        switch (corruption)
        {
            case "flipped byte":
                bytes[^3] ^= 0x40;
                File.WriteAllBytes(EntryPath, bytes);
                break;
            case "truncated":
                File.WriteAllBytes(EntryPath, bytes[..(bytes.Length / 2)]);
                break;
            case "garbage":
                File.WriteAllBytes(EntryPath, [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37))]);
                break;
            case "empty":
                File.WriteAllBytes(EntryPath, []);
                break;
            case "wrong key":
                // A well-formed entry of another kernel, under this kernel's name.
                var other = Source with { Name = "other.cu" };
                Cache().GetOrCompile(other, Target);
                _compilations--;
                File.Copy(new CudaKernelCache(_dir.Path).PathOf(other, Target), EntryPath, overwrite: true);
                break;
        }
    }

    [Fact]
    public void An_unreadable_entry_is_not_fatal()
    {
        Directory.CreateDirectory(EntryPath); // A folder where the entry should be: it cannot be read or replaced.

        var image = Cache().GetOrCompile(Source, Target);

        Assert.Equal("sm_90", image.Target);
        Assert.Equal(1, _compilations);
        Assert.Equal(2, _warnings.Count);
        Assert.StartsWith("Ignoring kernel cache entry", _warnings[0]);
        Assert.StartsWith("Could not store kernel cache entry", _warnings[1]);
    }

    [Fact]
    public void A_cache_folder_that_cannot_be_created_is_not_fatal()
    {
        string blocked = _dir.Write("not-a-folder", [1]);

        var image = Cache(Path.Combine(blocked, "kernels")).GetOrCompile(Source, Target);
        Cache(Path.Combine(blocked, "kernels")).GetOrCompile(Source, Target);

        Assert.Equal("sm_90", image.Target);
        Assert.Equal(2, _compilations);
        Assert.All(_warnings, w => Assert.StartsWith("Could not store kernel cache entry", w));
        Assert.Equal(2, _warnings.Count);
    }

    [Fact]
    public void A_missing_folder_is_created()
    {
        string nested = Path.Combine(_dir.Path, "a", "b", "kernels");

        Cache(nested).GetOrCompile(Source, Target);
        Cache(nested).GetOrCompile(Source, Target);

        Assert.Equal(1, _compilations);
        Assert.Single(Directory.GetFiles(nested));
    }

    [Fact]
    public void Ptx_entries_keep_their_kind()
    {
        var cache = new CudaKernelCache(_dir.Path, (s, t) => new KernelImage(KernelImageKind.Ptx, "compute_90", [.. "// ptx\n"u8, 0]));

        cache.GetOrCompile(Source, Target);
        var cached = new CudaKernelCache(_dir.Path, (s, t) => throw new InvalidOperationException("should be cached")).GetOrCompile(Source, Target);

        Assert.Equal(KernelImageKind.Ptx, cached.Kind);
        Assert.Equal("compute_90", cached.Target);
        Assert.Equal(0, cached.Bytes[^1]);
    }

    [Fact]
    public void The_default_folder_is_under_NETDSL_CACHE_when_set()
    {
        string? saved = Environment.GetEnvironmentVariable("NETDSL_CACHE");
        try
        {
            Environment.SetEnvironmentVariable("NETDSL_CACHE", _dir.Path);
            Assert.Equal(Path.Combine(_dir.Path, "kernels"), CudaKernelCache.DefaultDirectory());

            Environment.SetEnvironmentVariable("NETDSL_CACHE", null);
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.Combine(home, ".cache", "netdsl", "kernels"), CudaKernelCache.DefaultDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable("NETDSL_CACHE", saved);
        }
    }
}
