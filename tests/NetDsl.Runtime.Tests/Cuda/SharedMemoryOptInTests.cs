using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

public sealed class SharedMemoryOptInTests
{
    [Fact]
    public void Only_launches_above_48_KB_raise_a_kernels_limit_and_each_raise_happens_once()
    {
        var raised = new List<(string Kernel, int Bytes)>();
        var optIn = new SharedMemoryOptIn((kernel, bytes) => raised.Add((kernel, bytes)));

        optIn.Before("tiled", 0);
        optIn.Before("tiled", 48 * 1024);          // the default limit needs no opt-in
        optIn.Before("tiled", 64 * 1024);
        optIn.Before("tiled", 64 * 1024);          // already allowed
        optIn.Before("tiled", 56 * 1024);          // within what was allowed
        optIn.Before("tiled", 96 * 1024);          // more than before: raise again
        optIn.Before("fused", 48 * 1024 + 4);

        Assert.Equal([("tiled", 64 * 1024), ("tiled", 96 * 1024), ("fused", 48 * 1024 + 4)], raised);
    }
}
