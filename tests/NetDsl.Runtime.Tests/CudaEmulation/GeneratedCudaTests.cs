using NetDsl.Networks;
using NetDsl.Runtime.Tests.Networks;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The CUDA C each test network generates, compiled with g++ against the emulation header and run on the CPU: one
/// training step's forward and backward must agree with the generated CPU program on the same batch, parameters and
/// dropout seed (<see cref="EmulatedTrainingStep"/>). These networks are small enough for batches of several samples,
/// which the 224×224 zoo (<see cref="ZooEmulatedStepTests"/>) is not.
/// </summary>
public class GeneratedCudaTests
{
    public static TheoryData<string> Networks => new() { "LeNet5", "LeNet5Classic", "EveryLayer", "PoolFirst", "GraphNet", "FashionVgg" };

    private static (ICpuNetwork Network, CudaProgram Program) Create(string name) => name switch
    {
        "LeNet5" => (new LeNet5(), LeNet5.CudaProgram),
        "LeNet5Classic" => (new LeNet5Classic(), LeNet5Classic.CudaProgram),
        "EveryLayer" => (new EveryLayer(), EveryLayer.CudaProgram),
        "PoolFirst" => (new PoolFirst(), PoolFirst.CudaProgram),
        "GraphNet" => (new GraphNet(), GraphNet.CudaProgram),
        _ => (new FashionVgg(), FashionVgg.CudaProgram),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_training_step_on_the_emulated_gpu_matches_the_cpu(string name)
    {
        var (net, program) = Create(name);
        EmulatedTrainingStep.AssertMatchesCpu(name, net, program, batch: 3, floor: 1e-4);
    }
}
