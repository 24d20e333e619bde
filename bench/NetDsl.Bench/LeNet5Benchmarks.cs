using BenchmarkDotNet.Attributes;
using NetDsl.Networks;
using NetDsl.Runtime;
using NetDsl.Runtime.Cpu;

namespace NetDsl.Bench;

/// <summary>
/// One sample's worth of LeNet-5 work, single-threaded: each convolution forward and backward, and the whole generated
/// forward + backward. Divide 1 s by the last to get one core's images/s.
/// </summary>
[MemoryDiagnoser]
public class LeNet5Benchmarks
{
    private const int Batch = 32;
    private static readonly ConvGeometry C1 = new(1, 28, 28, 6, 5, 1, 2), C3 = new(6, 14, 14, 16, 5, 1, 0);

    private readonly LeNet5 _net = new();
    private float[] _parameters = [];
    private Workspace<float> _ws = null!;
    private float[] _x1 = [], _y1 = [], _w1 = [], _b1 = [], _x3 = [], _y3 = [], _w3 = [], _b3 = [], _scratch = [], _dw = [], _db = [], _dx3 = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        _parameters = new float[_net.Description.ParameterCount];
        _net.InitializeParameters<float>(_parameters, 1);
        _ws = new Workspace<float>(_net.Layout, _parameters.Length, Batch) { BatchSize = Batch, Training = true, HasLabels = true };
        Random(Batch * 784).CopyTo(_ws.Input(0, Batch));
        for (int n = 0; n < Batch; n++) _ws.Labels[n] = n % 10;

        (_x1, _y1, _w1, _b1) = (Random(C1.InSize), new float[C1.OutSize], Random(6 * 25), Random(6));
        (_x3, _y3, _w3, _b3) = (Random(C3.InSize), new float[C3.OutSize], Random(16 * 150), Random(16));
        _scratch = new float[Math.Max(C1.ScratchLength, C3.ScratchLength)];
        _dw = new float[16 * 150];
        _db = new float[16];
        _dx3 = new float[C3.InSize];
    }

    [Benchmark] public void C1_Forward() => Conv2d.Forward<float>(_y1, _x1, _w1, _b1, _scratch, 1, in C1);
    [Benchmark] public void C1_Backward() => Conv2d.Backward<float>(Span<float>.Empty, _dw.AsSpan(0, 150), _db.AsSpan(0, 6), _y1, _x1, _w1, _scratch, 1, in C1);
    [Benchmark] public void C3_Forward() => Conv2d.Forward<float>(_y3, _x3, _w3, _b3, _scratch, 1, in C3);
    [Benchmark] public void C3_Backward() => Conv2d.Backward<float>(_dx3, _dw, _db, _y3, _x3, _w3, _scratch, 1, in C3);

    /// <summary>Forward and backward of a batch of 32 through the generated program, on one thread.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void Network_TrainingStep_PerSample()
    {
        _ws.ClearParameterGradients();
        _net.Forward<float>(_parameters, _ws, 0, 0, Batch);
        _net.Backward<float>(_parameters, _ws, 0, 0, Batch);
    }
}
