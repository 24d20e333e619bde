using NetDsl.Runtime.Cpu;
using NetDsl.Testing;

namespace NetDsl.Runtime.Tests.Kernels;

public sealed class DropoutTests
{
    const ulong Seed = 0xC0FFEE;

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.2)]
    [InlineData(0.9)]
    public void Mask_is_zero_or_the_inverse_keep_rate_and_scales_x(double p)
    {
        const int n = 3, perSample = 50;
        var x = TestData.Uniform<float>(1, n * perSample);
        var y = new float[x.Length];
        var mask = new float[x.Length];

        Dropout.Forward<float>(y, mask, x, p, Seed, 0, n, perSample);

        float keep = (float)(1 / (1 - p));
        Assert.All(mask, m => Assert.True(m == 0 || m == keep, $"mask value {m}"));
        Assert.Contains(0f, mask);
        Assert.Contains(keep, mask);
        for (int i = 0; i < x.Length; i++) Assert.Equal(x[i] * mask[i], y[i]);
    }

    [Fact]
    public void Masks_do_not_depend_on_how_the_batch_is_split()
    {
        const int n = 7, perSample = 33;
        var x = TestData.Uniform<double>(1, n * perSample);
        var whole = new double[x.Length];
        var wholeMask = new double[x.Length];
        Dropout.Forward<double>(whole, wholeMask, x, 0.4, Seed, 10, n, perSample);

        var parts = new double[x.Length];
        var partsMask = new double[x.Length];
        foreach (var (first, count) in new[] { (0, 2), (2, 1), (3, 4) })
        {
            var range = new Range(first * perSample, (first + count) * perSample);
            Dropout.Forward<double>(parts.AsSpan(range), partsMask.AsSpan(range), x.AsSpan(range), 0.4, Seed, 10 + first, count, perSample);
        }

        Assert.Equal(wholeMask, partsMask);
        Assert.Equal(whole, parts);
    }

    [Fact]
    public void Masks_differ_between_samples_and_seeds_and_agree_across_precisions()
    {
        const int perSample = 64;
        var ones = Enumerable.Repeat(1f, 2 * perSample).ToArray();
        var mask = new float[ones.Length];
        var other = new float[ones.Length];
        Dropout.Forward<float>(new float[ones.Length], mask, ones, 0.5, Seed, 0, 2, perSample);
        Dropout.Forward<float>(new float[ones.Length], other, ones, 0.5, Seed + 1, 0, 2, perSample);
        var doubleMask = new double[ones.Length];
        Dropout.Forward<double>(new double[ones.Length], doubleMask, ones.Select(v => (double)v).ToArray(), 0.5, Seed, 0, 2, perSample);

        Assert.NotEqual(mask[..perSample], mask[perSample..]);
        Assert.NotEqual(mask, other);
        Assert.Equal(doubleMask.Select(v => (float)v), mask);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.8)]
    public void Keeps_about_one_minus_p_of_the_elements(double p)
    {
        const int n = 100, perSample = 1000;
        var mask = new float[n * perSample];
        Dropout.Forward<float>(new float[mask.Length], mask, new float[mask.Length], p, Seed, 0, n, perSample);

        double kept = mask.Count(m => m != 0) / (double)mask.Length;
        double sigma = Math.Sqrt(p * (1 - p) / mask.Length);
        Assert.InRange(kept, 1 - p - 5 * sigma, 1 - p + 5 * sigma);
    }

    [Fact]
    public void Extreme_rates_keep_everything_or_nothing()
    {
        var x = TestData.Uniform<float>(1, 40);
        var y = new float[40];
        var mask = new float[40];
        Dropout.Forward<float>(y, mask, x, 0, Seed, 0, 4, 10);
        Assert.Equal(x, y);
        Dropout.Forward<float>(y, mask, x, 1, Seed, 0, 4, 10);
        Assert.All(y, v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.Forward<float>(y, mask, x, 1.5, Seed, 0, 4, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.Forward<float>(y, mask, x, double.NaN, Seed, 0, 4, 10));
    }

    [Fact]
    public void Gradients_match_finite_differences_for_a_fixed_mask()
    {
        const int n = 2, perSample = 15;
        var x = TestData.Uniform<double>(1, n * perSample);
        var mask = new double[x.Length];
        new GradientChecker().Check(x.Length,
            y => Dropout.Forward<double>(y, mask, x, 0.3, Seed, 4, n, perSample),
            (dy, grads) => Dropout.Backward<double>(grads[0], dy, mask),
            ("x", x));
        Assert.Contains(0.0, mask);
    }

    [Fact]
    public void Backward_multiplies_by_the_mask_in_place()
    {
        double[] mask = [0, 2, 2, 0, 2];
        double[] dy = [1, 2, 3, 4, 5];
        Dropout.Backward<double>(dy, dy, mask);
        Assert.Equal([0, 4, 6, 0, 10], dy);
    }
}
