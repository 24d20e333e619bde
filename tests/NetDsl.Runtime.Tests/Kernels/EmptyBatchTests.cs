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

        Assert.Equal(w, dw);
        Assert.Equal(b, db);
    }
}
