using NetDsl.Testing;
using NetDsl.Networks;
using NetDsl.Runtime.Tests.Networks;
using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The CUDA C each network generates, compiled with g++ against the emulation header and run on the CPU: one training
/// step's forward and backward must agree with the generated CPU program on the same batch, parameters and dropout
/// seed. This is how CI proves the GPU kernels without a GPU.
/// </summary>
public class GeneratedCudaTests
{
    public static TheoryData<string> Networks => new() { "LeNet5", "LeNet5Classic", "EveryLayer", "PoolFirst", "GraphNet", "FashionVgg", "ResNet20" };

    private static (ICpuNetwork Network, CudaProgram Program) Create(string name) => name switch
    {
        "LeNet5" => (new LeNet5(), LeNet5.CudaProgram),
        "LeNet5Classic" => (new LeNet5Classic(), LeNet5Classic.CudaProgram),
        "EveryLayer" => (new EveryLayer(), EveryLayer.CudaProgram),
        "PoolFirst" => (new PoolFirst(), PoolFirst.CudaProgram),
        "GraphNet" => (new GraphNet(), GraphNet.CudaProgram),
        "ResNet20" => (new ResNet20(), ResNet20.CudaProgram),
        _ => (new FashionVgg(), FashionVgg.CudaProgram),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_training_step_on_the_emulated_gpu_matches_the_cpu(string name)
    {
        const int batch = 3;
        var (net, program) = Create(name);
        var cpu = NetworkHarness<float>.Random(net, batch, seed: 5);
        float[] parameters = (float[])cpu.Parameters.Clone();   // before the CPU pass updates running statistics
        float[] input = cpu.Workspace.Input(0, batch).ToArray();
        var cpuGradients = cpu.Gradients();
        var ws = cpu.Workspace;
        var cpuLogits = ws.Logits(0, batch).ToArray().Select(v => (double)v).ToArray();
        using var module = EmulatedCudaModule.Compile(program.Source, CudaEmulationSource.KernelsDirectory);

        // Float32 kernels only reorder sums. Tensor-core convolutions are held to the same bounds with TF32 rounding
        // off, which proves their indexing through a whole network.
        module.RoundTf32(false);
        var exact = Step(module, program, net.Layout, parameters, input, ws.Labels[..batch], ws.StepSeed, batch);
        for (int s = 0; s < batch; s++) Assert.Equal(ws.Losses[s], exact.Losses[s], 1e-4f);
        AssertClose(name + " logits", cpuLogits, exact.Logits, 1e-4);
        AssertClose(name + " parameter gradients", cpuGradients, exact.ParameterGradients, 1e-3);

        // As a GPU runs them: each operand keeps 10 mantissa bits (off by up to 2^-11 ≈ 4.9e-4 of itself), and the
        // outputs stay within 2e-3 (LeNet5Classic's move by 2e-4, FashionVgg's by 9e-4, ResNet20's by 2e-4). Gradients are
        // not compared here: BatchNorm over a batch of 3 subtracts channel means that are large against the spread,
        // which magnifies the rounding of the convolutions before it (FashionVgg's gradients move by 1.7e-2 of the
        // largest, ResNet20's by 6e-2), as it would on a GPU.
        if (!program.Source.Contains("on tensor cores")) return;
        module.RoundTf32(true);
        var tf32 = Step(module, program, net.Layout, parameters, input, ws.Labels[..batch], ws.StepSeed, batch);
        for (int s = 0; s < batch; s++) Assert.Equal(ws.Losses[s], tf32.Losses[s], 2e-3f);
        AssertClose(name + " logits (TF32)", cpuLogits, tf32.Logits, 2e-3);
        Assert.NotEqual(exact.Logits, tf32.Logits);   // the rounding was on
    }

    private sealed record Result(float[] Losses, float[] Logits, float[] ParameterGradients);

    /// <summary>One forward and backward pass of the program on a batch, from the given parameters.</summary>
    private static Result Step(EmulatedCudaModule module, CudaProgram program, WorkspaceLayout layout, float[] initialParameters,
        float[] input, int[] labels, ulong seed, int batch)
    {
        float[] parameters = (float[])initialParameters.Clone();   // running statistics change
        float[] activations = new float[(long)layout.ActivationsPerSample * batch], gradients = new float[activations.Length];
        input.CopyTo(activations, layout.InputOffset * batch);
        float[] parameterGradients = new float[parameters.Length], reductions = new float[Math.Max(1, layout.ReductionPerWorker)];
        float[] losses = new float[batch], scratch = new float[Math.Max(1, program.ScratchFloats(batch))];

        using var pins = new PinnedBuffers();
        var args = new NetDslArgs
        {
            Activations = pins.Pin(activations), Gradients = pins.Pin(gradients), Parameters = pins.Pin(parameters),
            ParameterGradients = pins.Pin(parameterGradients), Scratch = pins.Pin(scratch), Reductions = pins.Pin(reductions),
            Labels = pins.Pin(labels), Losses = pins.Pin(losses),
            N = batch, Capacity = batch, BatchSize = batch, Training = 1, Seed = seed,
        };
        foreach (var launch in program.Forward.Concat(program.Backward))
        {
            var (grid, block) = launch.Shape(batch, Grid);
            module.Launch(launch.Kernel, (grid, 1, 1), (block, 1, 1), in args, (uint)launch.SharedBytes);
        }
        return new Result(losses, activations.AsSpan(layout.LogitsOffset * batch, layout.Classes * batch).ToArray(), parameterGradients);
    }

    /// <summary>Few blocks: each emulated block runs its threads as OS threads, and any grid is correct.</summary>
    private static (uint, uint) Grid(long work) => ((uint)Math.Clamp((work + 63) / 64, 1, 4), 64);

    private static void AssertClose(string what, double[] expected, float[] actual, double tolerance) =>
        NumericAssert.CloseToLargest(expected, actual, tolerance, what, "CPU", "emulated CUDA", minimumScale: 1e-6);
}
