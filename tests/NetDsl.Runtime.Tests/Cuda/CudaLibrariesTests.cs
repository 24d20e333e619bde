using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

public sealed class CudaLibrariesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    static string[] Paths(IEnumerable<CudaLibraries.LibraryCandidate> candidates) => candidates.Select(c => c.Path).ToArray();

    static readonly string[] Sonames = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"];

    /// <summary>Creates an empty file (and its folders) under the temp directory and returns its full path.</summary>
    string Touch(string relative)
    {
        string path = Path.Combine(_dir.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }

    [Fact]
    public void The_driver_is_libcuda_so_1_then_libcuda_so()
    {
        Assert.Equal(["libcuda.so.1", "libcuda.so"], Paths(CudaLibraries.DriverCandidates(FakeEnvironment.Linux())));
    }

    [Fact]
    public void On_windows_the_driver_is_nvcuda_dll()
    {
        Assert.Equal(["nvcuda.dll"], Paths(CudaLibraries.DriverCandidates(FakeEnvironment.Windows())));
    }

    [Fact]
    public void The_driver_override_is_the_only_candidate()
    {
        var env = FakeEnvironment.Linux(new() { ["NETDSL_CUDA_DRIVER"] = "/opt/driver/libcuda.so.1" });

        var candidate = Assert.Single(CudaLibraries.DriverCandidates(env));

        Assert.Equal("/opt/driver/libcuda.so.1", candidate.Path);
        Assert.Equal("NETDSL_CUDA_DRIVER", candidate.Variable);
        Assert.Equal("NETDSL_CUDA_DRIVER=/opt/driver/libcuda.so.1", CudaLibraries.DriverSubject(env));
    }

    [Fact]
    public void An_empty_override_is_no_override()
    {
        var env = FakeEnvironment.Linux(new() { ["NETDSL_CUDA_DRIVER"] = "", ["NETDSL_NVRTC"] = "" });

        Assert.Equal(["libcuda.so.1", "libcuda.so"], Paths(CudaLibraries.DriverCandidates(env)));
        Assert.Equal(Sonames, Paths(CudaLibraries.NvrtcCandidates(env)));
    }

    [Fact]
    public void Nvrtc_tries_the_newest_soname_first()
    {
        Assert.Equal(Sonames, Paths(CudaLibraries.NvrtcCandidates(FakeEnvironment.Linux())));
    }

    [Fact]
    public void The_nvrtc_override_is_the_only_candidate_even_where_wheels_exist()
    {
        Touch("venv/lib/python3.12/site-packages/nvidia/cu13/lib/libnvrtc.so.13");
        var env = FakeEnvironment.Linux(new()
        {
            ["NETDSL_NVRTC"] = "/opt/nvrtc/libnvrtc.so.12",
            ["VIRTUAL_ENV"] = Path.Combine(_dir.Path, "venv"),
        });

        var candidate = Assert.Single(CudaLibraries.NvrtcCandidates(env));

        Assert.Equal("/opt/nvrtc/libnvrtc.so.12", candidate.Path);
        Assert.Equal("NETDSL_NVRTC", candidate.Variable);
    }

    [Fact]
    public void Wheels_of_a_python_on_path_follow_the_sonames_cuda_13_first()
    {
        Touch("py/bin/python3");
        string cu12 = Touch("py/lib/python3.12/site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.12");
        string cu13 = Touch("py/lib/python3.12/site-packages/nvidia/cu13/lib/libnvrtc.so.13");
        var env = FakeEnvironment.Linux(new() { ["PATH"] = $"/nonexistent/bin:{Path.Combine(_dir.Path, "py", "bin")}/" });

        Assert.Equal([.. Sonames, cu13, cu12], Paths(CudaLibraries.NvrtcCandidates(env)));
    }

    [Fact]
    public void Wheels_are_found_in_virtual_env_conda_user_site_and_dist_packages_once_each()
    {
        string venv = Touch("venv/lib/python3.11/site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.12");
        string conda = Touch("conda/lib/python3.10/site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.11.2");
        string user = Touch("home/.local/lib/python3.12/site-packages/nvidia/cu13/lib/libnvrtc.so.13");
        string debian = Touch("venv/lib/python3.11/dist-packages/nvidia/cu13/lib/libnvrtc.so.13");
        Touch("venv/bin/python3");
        var env = FakeEnvironment.Linux(
            new()
            {
                ["VIRTUAL_ENV"] = Path.Combine(_dir.Path, "venv"),
                ["CONDA_PREFIX"] = Path.Combine(_dir.Path, "conda"),
                ["PATH"] = Path.Combine(_dir.Path, "venv", "bin"), // The same prefix again: listed once.
            },
            home: Path.Combine(_dir.Path, "home"));

        Assert.Equal([.. Sonames, venv, debian, conda, user], Paths(CudaLibraries.NvrtcCandidates(env)));
    }

    [Fact]
    public void A_wheel_folder_without_the_library_adds_nothing()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "venv/lib/python3.12/site-packages/nvidia/cuda_nvrtc/lib"));
        var env = FakeEnvironment.Linux(new() { ["VIRTUAL_ENV"] = Path.Combine(_dir.Path, "venv") });

        Assert.Equal(Sonames, Paths(CudaLibraries.NvrtcCandidates(env)));
    }

    [Fact]
    public void The_toolkit_comes_after_the_wheels()
    {
        string wheel = Touch("venv/lib/python3.12/site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.12");
        string toolkit = Touch("cuda-12.8/lib64/libnvrtc.so.12");
        var env = FakeEnvironment.Linux(new()
        {
            ["CUDA_HOME"] = Path.Combine(_dir.Path, "cuda-12.8"),
            ["VIRTUAL_ENV"] = Path.Combine(_dir.Path, "venv"),
        });

        Assert.Equal([.. Sonames, wheel, toolkit], Paths(CudaLibraries.NvrtcCandidates(env)));
    }

    [Fact]
    public void On_windows_nvrtc_is_the_versioned_dlls_then_cuda_path()
    {
        string x64 = Touch(Path.Combine("CUDA", "v13.0", "bin", "x64", "nvrtc64_130_0.dll"));
        var env = FakeEnvironment.Windows(new() { ["CUDA_PATH"] = Path.Combine(_dir.Path, "CUDA", "v13.0") });

        Assert.Equal(["nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll", x64], Paths(CudaLibraries.NvrtcCandidates(env)));
    }

    [Fact]
    public void Loading_stops_at_the_first_candidate_that_loads()
    {
        var asked = new List<string>();
        CudaLibraries.NativeLoader load = (string path, out string? error) =>
        {
            asked.Add(path);
            error = null;
            return path == "libnvrtc.so.12" ? 42 : 0;
        };

        bool loaded = CudaLibraries.TryLoad(
            CudaLibraries.NvrtcCandidates(FakeEnvironment.Linux()), "NVRTC", load, out nint handle, out string? path, out string reason);

        Assert.True(loaded);
        Assert.Equal(42, handle);
        Assert.Equal("libnvrtc.so.12", path);
        Assert.Equal("", reason);
        Assert.Equal(["libnvrtc.so.13", "libnvrtc.so.12"], asked);
    }

    [Fact]
    public void A_failure_lists_every_candidate_tried_with_the_loaders_reason()
    {
        CudaLibraries.NativeLoader load = (string path, out string? error) =>
        {
            error = path == "libcuda.so" ? "wrong ELF class: ELFCLASS32" : null;
            return 0;
        };

        bool loaded = CudaLibraries.TryLoad(
            CudaLibraries.DriverCandidates(FakeEnvironment.Linux()), "libcuda.so.1", load, out nint handle, out string? path, out string reason);

        Assert.False(loaded);
        Assert.Equal(0, handle);
        Assert.Null(path);
        Assert.Equal("libcuda.so.1 could not be loaded (tried libcuda.so.1, libcuda.so: wrong ELF class: ELFCLASS32)", reason);
    }

    [Fact]
    public void A_missing_override_file_is_reported_without_asking_the_loader()
    {
        string missing = Path.Combine(_dir.Path, "no", "libcuda.so.1");
        var env = FakeEnvironment.Linux(new() { ["NETDSL_CUDA_DRIVER"] = missing });
        var asked = new List<string>();

        bool loaded = CudaLibraries.TryLoad(CudaLibraries.DriverCandidates(env), CudaLibraries.DriverSubject(env),
            FakeEnvironment.NothingLoads(asked), out _, out _, out string reason);

        Assert.False(loaded);
        Assert.Empty(asked);
        Assert.Equal($"NETDSL_CUDA_DRIVER={missing} could not be loaded (tried {missing}: file does not exist)", reason);
    }

    [Fact]
    public void The_real_loader_reports_a_file_that_is_no_library()
    {
        string notALibrary = _dir.Write("libnvrtc.so.12", [1, 2, 3]);
        var env = FakeEnvironment.Linux(new() { ["NETDSL_NVRTC"] = notALibrary });

        bool loaded = CudaLibraries.TryLoad(CudaLibraries.NvrtcCandidates(env), CudaLibraries.NvrtcSubject(env),
            CudaLibraries.LoadNative, out _, out _, out string reason);

        Assert.False(loaded);
        Assert.StartsWith($"NETDSL_NVRTC={notALibrary} could not be loaded (tried {notALibrary}: ", reason);
        Assert.DoesNotContain("Unable to load shared library", reason); // Only the loader's own words.
    }

    [Theory]
    [InlineData("libcuda.so.1", "Unable to load shared library 'libcuda.so.1' or one of its dependencies. Consider strace: \nlibcuda.so.1: cannot open shared object file: No such file or directory\n", null)]
    [InlineData("/x/libnvrtc.so.12", "Unable to load shared library '/x/libnvrtc.so.12' or one of its dependencies.: \n/x/libnvrtc.so.12: file too short\n", "file too short")]
    [InlineData("libnvrtc.so.12", "Unable to load ...: \nlibstdc++.so.6: version `GLIBCXX_3.4.30' not found", "libstdc++.so.6: version `GLIBCXX_3.4.30' not found")]
    public void The_loaders_reason_is_the_last_line_without_the_path(string path, string message, string? expected)
    {
        Assert.Equal(expected, CudaLibraries.LoaderError(path, message));
    }

    [Fact]
    public void Loading_the_real_libraries_never_throws_and_explains_a_failure()
    {
        // This machine may or may not have a GPU and NVRTC; both outcomes have a contract.
        AssertOutcome(CudaLibraries.TryLoadDriver(out string driverReason), driverReason, CudaLibraries.DriverPath);
        AssertOutcome(CudaLibraries.TryLoadNvrtc(out string nvrtcReason), nvrtcReason, CudaLibraries.NvrtcPath);

        static void AssertOutcome(bool loaded, string reason, string? path)
        {
            if (loaded)
            {
                Assert.Equal("", reason);
                Assert.NotNull(path);
            }
            else
            {
                Assert.Contains(" could not be loaded (tried ", reason);
                Assert.Null(path);
            }
        }
    }

    [Fact]
    public void Nvrtc_from_get_nvrtc_sh_is_found_above_the_app_newest_version_first()
    {
        string v118 = Touch(".nvrtc/11.8/libnvrtc.so.11.2"), v124 = Touch(".nvrtc/12.4/libnvrtc.so.12");
        Touch(".nvrtc/12.4/libnvrtc-builtins.so.12.4");
        string app = Path.Combine(_dir.Path, "src", "NetDsl.Cli", "bin", "Release");
        Directory.CreateDirectory(app);
        var env = FakeEnvironment.Linux() with { LocalSearchStarts = [app] };

        Assert.Equal([.. Sonames, v124, v118], Paths(CudaLibraries.NvrtcCandidates(env)));
    }

    [Fact]
    public void Without_a_local_nvrtc_folder_nothing_is_added()
    {
        var env = FakeEnvironment.Linux() with { LocalSearchStarts = [_dir.Path] };

        Assert.Equal(Sonames, Paths(CudaLibraries.NvrtcCandidates(env)));
    }
}
