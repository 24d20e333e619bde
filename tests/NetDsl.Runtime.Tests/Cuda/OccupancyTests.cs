using System.Globalization;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

public class OccupancyTests
{
    static readonly ComputeCapability Sm80 = new(8, 0), Sm86 = new(8, 6), Sm89 = new(8, 9), Sm90 = new(9, 0);

    public static TheoryData<ComputeCapability, int, int, int, int, int, OccupancyLimit> HandComputed => new()
    {
        // A tensor-core convolution: 255 registers → 8192 a warp → 2 warps per sub-partition → 8 warps (2 blocks of 4).
        { Sm90, 128, 255, 36_864, 2, 8, OccupancyLimit.Registers },
        // LeNet-5's forward: 48 × 32 = 1536 a warp → 10 warps per sub-partition → 40 warps = 5 blocks of 8.
        { Sm80, 256, 48, 15_680, 5, 40, OccupancyLimit.Registers },
        // 29 registers round up to 1024 a warp: 16 per sub-partition, 64 warps, as many as the SM holds.
        { Sm90, 256, 29, 0, 8, 64, OccupancyLimit.Warps },
        // One-warp blocks stop at 32 blocks per SM.
        { Sm90, 32, 16, 0, 32, 32, OccupancyLimit.Blocks },
        // 96 KB + the 1 KB reserved = 99,328 bytes a block; 233,472 / 99,328 = 2 blocks.
        { Sm90, 256, 20, 98_304, 2, 16, OccupancyLimit.SharedMemory },
        // Shared memory rounds up to 128 bytes: 1 + 1024 → 1152 a block, 233,472 / 1152 = 202 blocks (above the 32-block cap).
        { Sm90, 32, 16, 1, 32, 32, OccupancyLimit.Blocks },
        // Ampere's consumer parts hold 48 warps and 16 blocks; Ada 24 blocks.
        { Sm86, 256, 32, 0, 6, 48, OccupancyLimit.Warps },
        { Sm86, 64, 16, 0, 16, 32, OccupancyLimit.Blocks },
        { Sm89, 64, 16, 0, 24, 48, OccupancyLimit.Warps },
        // 1024 threads at 64 registers fill the register file exactly; at 65 (2304 a warp) a block needs 73,728: none fits.
        { Sm90, 1024, 64, 0, 1, 32, OccupancyLimit.Registers },
        { Sm90, 1024, 65, 0, 0, 0, OccupancyLimit.Registers },
        // More shared memory than one block may have.
        { Sm90, 256, 32, 227 * 1024 + 1, 0, 0, OccupancyLimit.SharedMemory },
        { Sm80, 256, 32, 164 * 1024, 0, 0, OccupancyLimit.SharedMemory },
    };

    [Theory]
    [MemberData(nameof(HandComputed))]
    public void Matches_hand_computed_cases(ComputeCapability device, int threads, int registers, int shared, int blocks, int warps, OccupancyLimit limit)
    {
        var occupancy = Occupancy.Theoretical(device, threads, registers, shared);

        Assert.Equal((blocks, warps, limit), (occupancy.BlocksPerMultiprocessor, occupancy.ActiveWarps, occupancy.Limit));
        Assert.Equal((double)warps / MultiprocessorLimits.For(device).MaxWarps, occupancy.Fraction);
    }

    [Fact]
    public void Matches_the_h200_drivers_occupancy_calculator_on_every_measured_case()
    {
        // kernel,registers,static_shared,threads,dynamic_shared,blocks,result from cuOccupancyMaxActiveBlocksPerMultiprocessor.
        var rows = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "occupancy", "h200-driver.csv"))
            .Where(line => !line.StartsWith('#')).Skip(1).Select(line => line.Split(',').Select(f => f.All(char.IsDigit) ? int.Parse(f, CultureInfo.InvariantCulture) : -1).ToArray())
            .ToArray();
        var wrong = rows.Select(r => (Row: r, Ours: Occupancy.Theoretical(Sm90, r[3], r[1], r[2] + r[4]).BlocksPerMultiprocessor))
            .Where(x => x.Ours != x.Row[5])
            .Select(x => $"{x.Row[3]} threads, {x.Row[1]} registers, {x.Row[2]} + {x.Row[4]} bytes shared: driver {x.Row[5]} blocks, ours {x.Ours}")
            .ToArray();

        Assert.True(rows.Length > 1800, $"only {rows.Length} measured cases");
        Assert.True(wrong.Length == 0, $"{wrong.Length} of {rows.Length} differ:\n" + string.Join("\n", wrong.Take(20)));
    }

    [Fact]
    public void Describes_itself_in_one_phrase() =>
        Assert.Equal("12.5 % (8 of 64 warps, limited by registers)", Occupancy.Theoretical(Sm90, 128, 255, 0).ToString());

    [Fact]
    public void An_architecture_without_known_limits_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Occupancy.Theoretical(new ComputeCapability(7, 0), 256, 32, 0));
        Assert.Contains("7.0 (sm_70)", error.Message);
    }
}
