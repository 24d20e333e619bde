using NetDsl.Runtime.Cpu;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>A worker can be handed an empty slice of the batch; every kernel must treat it as a no-op.</summary>
public sealed class EmptyBatchTests
{
    [Fact]
    public void Every_kernel_accepts_zero_samples_and_leaves_parameter_gradients_alone()
    {
        var conv = new ConvGeometry(2, 6, 6, 3, 3, 1, 1);
        var pool = new PoolGeometry(2, 6, 6, 2, 2);
        float[] w = [.. Enumerable.Range(0, 3 * conv.Patch).Select(i => (float)i)], b = [1, 2, 3];
        float[] dw = [.. w], db = [.. b];

        Conv2d.Forward<float>([], [], w, b, new float[conv.ScratchLength], 0, conv);
        Conv2d.Backward<float>([], dw, db, [], [], w, new float[conv.ScratchLength], 0, conv);
        Pool2d.MaxForward<float>([], [], 0, pool);
        Pool2d.MaxBackward<float>([], [], [], 0, pool);
        Pool2d.AvgForward<float>([], [], 0, pool);
        Pool2d.AvgBackward<float>([], [], [], 0, pool);
        Dense.Forward<float>([], [], w[..12], b, 0, 4, 3);
        Dense.Backward<float>([], dw.AsSpan(0, 12), db, [], [], w[..12], 0, 4, 3);
        Activations.SigmoidForward<float>([], []);
        Activations.TanhBackward<float>([], [], []);
        Dropout.Forward<float>([], [], [], 0.5, 1, 0, 0, 10);
        SoftmaxCrossEntropy.Forward<float>([], [], [], [], 0, 10);
        SoftmaxCrossEntropy.Backward<float>([], [], [], 0, 10, 1f);
        Pool2d.MaxForward<float>([], [], 0, pool with { Padding = 1, CeilMode = true });
        Pool2d.AvgBackward<float>([], [], [], 0, pool with { Padding = 1, CeilMode = true });
        GlobalPool.AvgForward<float>([], [], 0, 3, 4);
        GlobalPool.MaxBackward<float>([], [], [], 0, 3, 4);
        Lrn.Forward<float>([], [], 0, 3, 4, 5, 1e-4, 0.75, 2);
        Lrn.Backward<float>([], [], [], [], 0, 3, 4, 5, 1e-4, 0.75, 2);
        Join.ConcatForward<float>([], [], 0, 10, 4, 6);
        Join.ConcatBackward<float>([], [], 0, 10, 4, 6);

        Assert.Equal(w, dw);
        Assert.Equal(b, db);
    }

    [Fact]
    public void An_idle_worker_contributes_nothing_to_batch_norm()
    {
        float[] gamma = [1, 2, 3], mean = [0, 0, 0], variance = [1, 1, 1], dgamma = [1, 2, 3], dbeta = [4, 5, 6];
        var partial = Enumerable.Repeat(float.NaN, 9).ToArray();

        BatchNorm.PartialStatistics<float>(partial, [], 0, 3, 4);
        BatchNorm.NormalizeTraining<float>([], [], mean, variance, gamma, gamma, 1e-5, 0, 3, 4);
        BatchNorm.Inference<float>([], [], mean, variance, gamma, gamma, 1e-5, 0, 3, 4);
        Assert.Equal(new float[9], partial);

        BatchNorm.BackwardPartial<float>(partial.AsSpan(0, 6), dgamma, dbeta, [], [], mean, variance, 1e-5, 0, 3, 4);
        BatchNorm.BackwardInput<float>([], [], [], mean, variance, gamma, partial, 6, 0, 1, 8, 1e-5, 0, 3, 4);
        Assert.Equal(new float[6], partial[..6]);
        Assert.Equal([1, 2, 3], dgamma);
        Assert.Equal([4, 5, 6], dbeta);
    }
}
