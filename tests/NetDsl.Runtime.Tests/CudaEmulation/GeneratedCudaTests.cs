using NetDsl.Networks;
using NetDsl.Testing;
using NetDsl.Runtime.Tests.Networks;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The CUDA C each of <see cref="EmulatedNetworks"/> generates, compiled with g++ against the emulation header and run on the CPU: one training
/// step's forward and backward must agree with the generated CPU program on the same batch, parameters and dropout
/// seed. This is how CI proves the GPU kernels without a GPU. Batches of 3 and 5 leave the last whole-network tile
/// (2 samples) short.
/// </summary>
[Collection(EmulatedGpu.Collection)]
public class GeneratedCudaTests
{
    /// <summary>Every emulated network at batch 3; LeNet-5 and WholeTiny also at 5.</summary>
    public static TheoryData<string, int> Networks
    {
        get
        {
            var data = new TheoryData<string, int> { { "LeNet5", 5 }, { "WholeTiny", 5 } };
            foreach (string name in EmulatedNetworks.ByName.Keys) data.Add(name, 3);
            return data;
        }
    }

    private static (ICpuNetwork Network, CudaProgram Program) Create(string name) =>
        (EmulatedNetworks.ByName[name].Create(), EmulatedNetworks.ByName[name].Program);

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_training_step_on_the_emulated_gpu_matches_the_cpu(string name, int batch)
    {
        var (net, program) = Create(name);
        EmulatedTrainingStep.AssertMatchesCpu(name, net, program, batch);
    }

    /// <summary>Evaluation (training = 0): no dropout, running statistics; the forward launches alone give the CPU's logits.</summary>
    [Theory]
    [InlineData("WholeTiny")]
    [InlineData("EveryLayer")]
    [InlineData("FusedPools")]
    public void Evaluation_on_the_emulated_gpu_matches_the_cpu(string name)
    {
        const int batch = 3;
        var (net, program) = Create(name);
        var cpu = NetworkHarness<float>.Random(net, batch, seed: 8);
        cpu.Workspace.Training = false;
        float[] parameters = (float[])cpu.Parameters.Clone();
        float[] input = cpu.Workspace.Input(0, batch).ToArray();
        double cpuLoss = cpu.Loss();
        using var module = EmulatedCudaModule.Compile(program.Source, CudaEmulationSource.KernelsDirectory);
        var gpu = EmulatedTrainingStep.Run(module, net, program, parameters, input, batch, cpu.Workspace.LabelsOf(0, batch).ToArray(),
            cpu.Workspace.TargetsOf(0, batch).ToArray(), seed: 11, training: false, program.Forward);

        AssertClose(name + " evaluation logits", cpu.Logits(), gpu.Logits, 1e-4);
        Assert.Equal(cpuLoss, gpu.Losses.Average(l => (double)l), 1e-4);
    }

    /// <summary>Small chain networks train in three launches; the others fuse pools into the convolutions before them.</summary>
    [Fact]
    public void Small_chain_networks_run_whole_and_pools_fuse_into_convolutions()
    {
        foreach (var program in new[] { LeNet5.CudaProgram, LeNet5Classic.CudaProgram, EveryLayer.CudaProgram, PoolFirst.CudaProgram, WholeTiny.CudaProgram })
            Assert.Equal(["network_forward", "network_backward", "network_gradient_sum"], program.Forward.Concat(program.Backward).Select(l => l.Kernel));

        var kernels = FusedPools.CudaProgram.Forward.Concat(FusedPools.CudaProgram.Backward).Select(l => l.Layer).ToList();
        Assert.DoesNotContain(kernels, k => k is "A_2_forward" or "A_2_backward" or "B_2_forward" or "C_1_forward");
        Assert.Contains("B_2_backward", kernels);   // overlapping windows keep the pool's own backward
        Assert.Contains("C_1_backward", kernels);
        Assert.Contains("netdsl::conv2d_pool_forward", FusedPools.CudaProgram.Source);
    }

    private static void AssertClose(string what, double[] expected, float[] actual, double tolerance) =>
        NumericAssert.CloseToLargest(expected, actual, tolerance, what, "CPU", "emulated CUDA", minimumScale: 1e-6);
}
