using NetDsl.Networks;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// Every zoo network's generated CUDA runs a whole training step (forward, loss, backward) under emulation and agrees
/// with its CPU program, every index of every kernel checked at float32 bounds (TF32 rounding off). One sample per
/// network: the 224×224 networks cost tens of GFLOPs, which the emulator runs at about 0.4 GFLOP/s, so this class is
/// most of CI's test time (a VGG takes one to three minutes). TF32's own rounding is checked on the smaller networks of
/// <see cref="GeneratedCudaTests"/>, whose tensor-core kernels are the same code.
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
        EmulatedTrainingStep.AssertMatchesCpu(name, net, ((IGpuNetwork)net).GpuProgram, batch: 1, tf32: false);
    }
}
