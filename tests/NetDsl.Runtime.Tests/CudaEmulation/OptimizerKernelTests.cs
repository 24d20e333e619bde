using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Training;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The optimizer kernels of netdsl_kernels.cuh against the CPU optimizers on the same gradients. Under emulation every
/// operation is IEEE single precision with the same fused multiply-adds, so they agree bit for bit; a GPU built with
/// --use_fast_math agrees to a few ulps.
/// </summary>
public sealed class OptimizerKernelTests
{
    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(false, 1e-2)]
    [InlineData(true, 1e-2)]
    public void Adam_kernel_matches_the_cpu_adam_bit_for_bit(bool decoupled, double weightDecay)
    {
        const int count = 37, steps = 4;
        var random = new Random(3);
        float[] Random() => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] cpuParameters = Random(), gpuParameters = (float[])cpuParameters.Clone(), gradients = new float[count], state = new float[2 * count];
        var step = new NetDslStep[1];
        var cpu = new Adam(2e-3, weightDecay: weightDecay, decoupledWeightDecay: decoupled);
        var kernels = GpuOptimizer.For(new Adam(2e-3, weightDecay: weightDecay, decoupledWeightDecay: decoupled));

        using var module = EmulatedCudaModule.Compile("#include \"netdsl_kernels.cuh\"\n", CudaEmulationSource.KernelsDirectory);
        using var pins = new PinnedBuffers();
        var args = new NetDslArgs
        {
            Parameters = pins.Pin(gpuParameters), ParameterGradients = pins.Pin(gradients), OptimizerState = pins.Pin(state),
            Step = pins.Pin(step), TrainableCount = count,
        };
        kernels.SetArguments(ref args);
        for (int t = 1; t <= steps; t++)
        {
            Random().CopyTo(gradients, 0);
            cpu.LearningRate = 2e-3 / t;   // a schedule: the kernel must take the rate of this step
            cpu.Step(cpuParameters, gradients);
            step[0] = kernels.StepValues(cpu.LearningRate, dropoutSeed: 0, t);
            module.Launch(kernels.Kernel, (2, 1, 1), (8, 1, 1), in args);
        }

        Assert.Equal(cpuParameters, gpuParameters);
        var exported = cpu.ExportState().Buffers;
        Assert.Equal(exported[Adam.ExpAvgName], state[..count]);
        Assert.Equal(exported[Adam.ExpAvgSqName], state[count..]);
    }
}
