using NetDsl.Networks;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// Every zoo network's generated CUDA runs a whole training step (forward, loss, backward) under emulation and agrees
/// with its CPU program: the "every zoo network is covered". One sample per network, since the 224×224
/// networks cost tens of GFLOPs under the emulator (this class takes minutes: about half of CI's test time).
/// </summary>
[Collection(EmulatedGpu.Collection)]
public class ZooEmulatedStepTests
{
    public static TheoryData<string> Networks => new(Zoo.Names);

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_training_step_on_the_emulated_gpu_matches_the_cpu(string name)
    {
        var net = Zoo.Create(name);
        EmulatedTrainingStep.AssertMatchesCpu(name, net, ((IGpuNetwork)net).GpuProgram, batch: 1);
    }
}
