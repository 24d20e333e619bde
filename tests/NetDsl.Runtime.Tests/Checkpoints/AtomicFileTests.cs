using NetDsl.Runtime.Checkpoints;

namespace NetDsl.Runtime.Tests.Checkpoints;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Replaces_the_file_and_leaves_nothing_else_behind()
    {
        string path = _dir.Write("checkpoint", [1, 2, 3]);

        AtomicFile.Write(path, stream => stream.Write([4, 5]));

        Assert.Equal([4, 5], File.ReadAllBytes(path));
        Assert.Equal(["checkpoint"], _dir.FileNames());
    }

    [Fact]
    public void A_failure_midway_leaves_the_old_file_intact_and_no_temporary_file()
    {
        string path = _dir.Write("checkpoint", [1, 2, 3]);

        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new IOException("disk full");
        }));

        Assert.Equal("disk full", e.Message);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["checkpoint"], _dir.FileNames());
    }

    [Fact]
    public void A_failure_on_a_new_path_creates_nothing()
    {
        string path = _dir.File("checkpoint");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, _ => throw new IOException("disk full")));

        Assert.Empty(_dir.FileNames());
    }
}
