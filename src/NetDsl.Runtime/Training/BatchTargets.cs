using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Training;

/// <summary>
/// One sample's part in a pass's totals: the outputs (or labeled pixels) its loss summed over, and how many of them
/// have a true class (<see cref="Ranked"/>), ranked it first (<see cref="Top1"/>) and within the top five.
/// </summary>
internal readonly record struct SampleScore(int Counted, int Ranked, int Top1, int Top5);

/// <summary>What both trainers do with a batch's targets: fill and check them, and score the outputs against them.</summary>
internal static class BatchTargets
{
    /// <summary>Fills a batch's inputs and its labels or float targets (whichever <paramref name="spec"/> has), then checks them.</summary>
    public static void Fill(IBatchSource data, TargetSpec spec, ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels, Span<float> values)
    {
        if (spec.Kind == TargetKind.Values)
        {
            data.Fill(indices, inputs, values);
            foreach (float v in values)
                if (!float.IsFinite(v)) throw new InvalidDataException($"The data set produced the target {v}; targets must be finite.");
        }
        else
        {
            data.Fill(indices, inputs, labels);
            foreach (int label in labels)
                if ((uint)label >= (uint)spec.Classes && !(spec.Kind == TargetKind.ClassMap && label == spec.IgnoreLabel))
                    throw new InvalidDataException($"The data set produced label {label}, outside its {spec.Classes} classes"
                        + (spec.Kind == TargetKind.ClassMap ? $" and not the ignore label {spec.IgnoreLabel}." : "."));
        }
    }

    /// <summary>Scores each sample's outputs (back to back) against its labels; value targets have no ranks.</summary>
    public static void Score(TargetSpec spec, int outputSize, ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, Span<SampleScore> scores)
    {
        for (int n = 0; n < scores.Length; n++)
        {
            var z = outputs.Slice(n * outputSize, outputSize);
            scores[n] = spec.Kind switch
            {
                TargetKind.Class => Rank(RankOf(z, 1, z.Length, labels[n])),
                TargetKind.ClassMap => ScoreMap(spec, z, labels.Slice(n * spec.LabelsPerSample, spec.LabelsPerSample)),
                _ => new SampleScore(outputSize, 0, 0, 0),
            };
        }
    }

    private static SampleScore Rank(int rank) => new(1, 1, rank < 1 ? 1 : 0, rank < 5 ? 1 : 0);

    private static SampleScore ScoreMap(TargetSpec spec, ReadOnlySpan<float> z, ReadOnlySpan<int> map)
    {
        int counted = 0, top1 = 0, top5 = 0;
        for (int p = 0; p < map.Length; p++)
        {
            if (map[p] == spec.IgnoreLabel) continue;
            int rank = RankOf(z.Slice(p), map.Length, spec.Classes, map[p]);
            counted++;
            if (rank < 1) top1++;
            if (rank < 5) top5++;
        }
        return new SampleScore(counted, counted, top1, top5);
    }

    /// <summary>
    /// The position of <paramref name="label"/> when the <paramref name="classes"/> scores z[c·stride] are sorted in
    /// descending order, ties broken by class index as argmax does. A NaN score for the label ranks last.
    /// </summary>
    internal static int RankOf(ReadOnlySpan<float> z, int stride, int classes, int label)
    {
        float target = z[label * stride];
        if (float.IsNaN(target)) return classes;
        int rank = 0;
        for (int c = 0; c < classes; c++)
        {
            float v = z[c * stride];
            if (v > target || (v == target && c < label)) rank++;
        }
        return rank;
    }
}
