using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

public sealed class IndexingTests(IndexingTests.Kernels kernels) : IClassFixture<IndexingTests.Kernels>
{
    public sealed class Kernels() : EmulatedModuleFixture("""
        #include "netdsl_abi.cuh"

        // gradients = 2 activations + 1 over a.n elements; losses counts the visits of each element.
        extern "C" __global__ void affine(NetDslArgs a)
        {
            for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < a.n; i += blockDim.x * gridDim.x)
            {
                a.gradients[i] = 2.0f * a.activations[i] + 1.0f;
                a.losses[i] += 1.0f;
            }
        }

        // gradients (columns x rows) = transpose of activations (rows = a.n, columns = a.capacity), 2-D grid of 2-D blocks.
        extern "C" __global__ void transpose(NetDslArgs a)
        {
            unsigned column = blockIdx.x * blockDim.x + threadIdx.x;
            unsigned row = blockIdx.y * blockDim.y + threadIdx.y;
            unsigned rows = a.n, columns = a.capacity;
            if (row < rows && column < columns) a.gradients[column * rows + row] = a.activations[row * columns + column];
        }

        // Every thread of a 3-D grid of 3-D blocks writes the built-in variables it sees.
        extern "C" __global__ void coordinates(NetDslArgs a)
        {
            unsigned block = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
            unsigned thread = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
            float* out = a.gradients + 12 * (block * blockDim.x * blockDim.y * blockDim.z + thread);
            const unsigned seen[12] = {blockIdx.x, blockIdx.y, blockIdx.z, threadIdx.x, threadIdx.y, threadIdx.z,
                                       blockDim.x, blockDim.y, blockDim.z, gridDim.x, gridDim.y, gridDim.z};
            for (int k = 0; k < 12; k++) out[k] = seen[k];
        }
        """);

    [Fact]
    public void Grid_stride_loop_visits_every_element_once()
    {
        const int n = 10_007;  // not a multiple of the 5 x 128 threads, which each take about 16 elements
        var x = TestData.Uniform<float>(1, n);
        var y = new float[n];
        var visits = new float[n];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("affine", (5, 1, 1), (128, 1, 1),
                new NetDslArgs { Activations = pins.Pin(x), Gradients = pins.Pin(y), Losses = pins.Pin(visits), N = n });

        NumericAssert.Close(x.Select(v => 2 * v + 1).ToArray(), y, 1e-6);
        Assert.All(visits, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Two_dimensional_grid_of_two_dimensional_blocks_covers_a_matrix()
    {
        const int rows = 23, columns = 37;  // neither a multiple of the 8 x 4 block
        var x = TestData.Uniform<float>(2, rows * columns);
        var y = new float[rows * columns];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("transpose", ((columns + 7) / 8, (rows + 3) / 4, 1), (8, 4, 1),
                new NetDslArgs { Activations = pins.Pin(x), Gradients = pins.Pin(y), N = rows, Capacity = columns });

        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                Assert.Equal(x[r * columns + c], y[c * rows + r]);
    }

    [Fact]
    public void Every_thread_sees_its_own_indices_in_three_dimensions()
    {
        (uint X, uint Y, uint Z) grid = (3, 2, 2), block = (4, 2, 3);
        int threads = (int)(grid.X * grid.Y * grid.Z * block.X * block.Y * block.Z);
        var seen = new float[12 * threads];
        using (var pins = new PinnedBuffers())
            kernels.Module.Launch("coordinates", grid, block, new NetDslArgs { Gradients = pins.Pin(seen) });

        var expected = new List<float>();
        for (uint bz = 0; bz < grid.Z; bz++)
            for (uint by = 0; by < grid.Y; by++)
                for (uint bx = 0; bx < grid.X; bx++)
                    for (uint tz = 0; tz < block.Z; tz++)
                        for (uint ty = 0; ty < block.Y; ty++)
                            for (uint tx = 0; tx < block.X; tx++)
                                expected.AddRange([bx, by, bz, tx, ty, tz, block.X, block.Y, block.Z, grid.X, grid.Y, grid.Z]);
        Assert.Equal(expected, seen);
    }
}
