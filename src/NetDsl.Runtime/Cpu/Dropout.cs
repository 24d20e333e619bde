using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Shapes: x, y, mask (n, perSample): the samples [firstSample, firstSample + n) of the batch.
// Inverted dropout: mask = 0 with probability p, else 1/(1-p); y = x · mask, so evaluation needs no rescaling.
// Each keep/drop decision is a pure function of (seed, global sample, element): a counter-based SplitMix64 hash,
// so the masks do not depend on how the batch is split across workers.
public static class Dropout
{
    /// <summary>
    /// y = x · mask for samples [firstSample, firstSample + n) of the batch; mask records the decisions for backward.
    /// <paramref name="p"/> is the drop probability in [0, 1]; <paramref name="seed"/> should change every step.
    /// </summary>
    public static void Forward<T>(Span<T> y, Span<T> mask, ReadOnlySpan<T> x, double p, ulong seed, int firstSample, int n, int perSample)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must lie in [0, 1].");
        Check.Count(n, nameof(n));
        Check.Count(firstSample, nameof(firstSample));
        Check.Count(perSample, nameof(perSample));
        Check.Length(x.Length, (long)n * perSample, nameof(x));
        Check.Length(y.Length, x.Length, nameof(y));
        Check.Length(mask.Length, x.Length, nameof(mask));

        // Keep iff the top 53 bits of the hash, read as a fraction in [0, 1), are >= p.
        ulong threshold = (ulong)(p * (1UL << 53));
        T keep = p < 1 ? T.CreateTruncating(1 / (1 - p)) : T.Zero;
        for (int s = 0; s < n; s++)
        {
            var random = new SplitMix64(SplitMix64.Hash(seed, (ulong)(firstSample + s), 0));
            var row = mask.Slice(s * perSample, perSample);
            for (int e = 0; e < row.Length; e++)
                row[e] = random.Next() >> 11 >= threshold ? keep : T.Zero;
        }
        TensorPrimitives.Multiply(x, mask, y);
    }

    /// <summary>dx = dy · mask. dx may alias dy.</summary>
    public static void Backward<T>(Span<T> dx, ReadOnlySpan<T> dy, ReadOnlySpan<T> mask) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check.Length(dy.Length, mask.Length, nameof(dy));
        Check.Length(dx.Length, mask.Length, nameof(dx));
        TensorPrimitives.Multiply(dy, mask, dx);
    }
}
