using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>In-memory data sets for networks with each kind of target: random ones, and ones with a rule to learn.</summary>
internal static class HeadData
{
    /// <summary>
    /// Uniform inputs in [-1, 1) and random targets of the network's kind: class labels; label maps with about one pixel
    /// in ten ignored and sample 0 ignored entirely; or values in [0, 1), which suit every value head.
    /// </summary>
    public static ArrayBatchSource Random(ICpuNetwork net, int count, int seed)
    {
        var random = new Random(seed);
        var targets = net.Description.Targets;
        var inputs = Uniform(random, count * net.Description.Input.Size);
        if (targets.Kind == TargetKind.Values)
            return ArrayBatchSource.For(net, inputs, Enumerable.Range(0, count * targets.ValuesPerSample).Select(_ => (float)random.NextDouble()).ToArray());
        var labels = new int[count * targets.LabelsPerSample];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = targets.Kind == TargetKind.ClassMap && (i < targets.LabelsPerSample || random.Next(10) == 0)
                ? targets.IgnoreLabel : random.Next(targets.Classes);
        return ArrayBatchSource.For(net, inputs, labels);
    }

    /// <summary>Uniform floats in [-1, 1).</summary>
    public static float[] Uniform(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    /// <summary>The mean over every target of its squared distance from its output's mean: the loss of the best constant.</summary>
    public static double Variance(float[] targets, int perSample)
    {
        int count = targets.Length / perSample;
        double total = 0;
        for (int k = 0; k < perSample; k++)
        {
            double mean = 0;
            for (int n = 0; n < count; n++) mean += targets[n * perSample + k];
            mean /= count;
            for (int n = 0; n < count; n++) total += Math.Pow(targets[n * perSample + k] - mean, 2);
        }
        return total / targets.Length;
    }
}
