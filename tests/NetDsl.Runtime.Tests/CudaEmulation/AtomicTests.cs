using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

public sealed class AtomicTests(AtomicTests.Kernels kernels) : IClassFixture<AtomicTests.Kernels>
{
    public sealed class Kernels() : EmulatedModuleFixture("""
        #include "netdsl_abi.cuh"

        // losses[0] counts the threads in float; scratch (ints) gets a histogram of the labels and their maximum.
        extern "C" __global__ void tally(NetDslArgs a)
        {
            unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
            int* counts = reinterpret_cast<int*>(a.scratch);
            atomicAdd(&a.losses[0], 1.0f);
            if (i < static_cast<unsigned>(a.n))
            {
                atomicAdd(&counts[1 + a.labels[i]], 1);
                atomicMax(&counts[0], a.labels[i]);
            }
        }
        """);

    [Fact]
    public void AtomicAdd_and_atomicMax_from_thousands_of_threads_lose_nothing()
    {
        const int blocks = 16, threads = 256, n = 4000, classes = 10;
        var random = new Random(8);
        var labels = Enumerable.Range(0, n).Select(_ => random.Next(classes - 1)).ToArray();  // never the last class
        var counter = new float[1];
        var counts = new int[1 + classes];
        counts[0] = int.MinValue;
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("tally", (blocks, 1, 1), (threads, 1, 1), new NetDslArgs
            {
                Labels = pins.Pin(labels), Losses = pins.Pin(counter), Scratch = pins.Pin(counts), N = n,
            });

        Assert.Equal(blocks * threads, counter[0]);  // exact: integers in float up to 2^24
        Assert.Equal(labels.Max(), counts[0]);
        Assert.Equal(Enumerable.Range(0, classes).Select(c => labels.Count(l => l == c)), counts[1..]);
    }
}
