using System.Numerics;
using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Tests.Networks;
using NetDsl.Testing;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// One training step's forward and backward of a network's generated CUDA, compiled with g++ against the emulation
/// header, beside the generated CPU program on the same random batch, parameters and dropout seed. Both are judged
/// against the CPU program in double precision: the emulated GPU's error (relative to each tensor's largest magnitude)
/// must stay within a few times the CPU float program's own error, or under a floor. Deep networks at random
/// initialization amplify rounding, so a fixed float-vs-float bound is either loose for small networks or wrong for
/// large ones; the CPU's own float error is the honest yardstick. Buffers mirror the CPU workspace, so the GPU's
/// logits are read at the CPU's offsets.
///
/// Tensor-core convolutions round their operands to TF32 (10 mantissa bits) as a GPU does. The step runs first with
/// that rounding off, held to the float32 bounds, which proves every index of every kernel; then, for programs with
/// tensor cores, with it on for a forward pass, where losses and logits must stay within TF32's bound. Gradients are not compared with
/// TF32 on: BatchNorm over a small batch subtracts channel means that are large against the spread, which magnifies
/// the rounding of the convolutions before it (6e-2 of the largest gradient for ResNet-20 at batch 3), as on a GPU.
/// </summary>
internal static class EmulatedTrainingStep
{
    /// <summary>How many times the CPU float error the GPU may reach: summation orders differ, so errors differ.</summary>
    private const double Slack = 4;

    /// <summary>Float32 bounds: reordered sums of a few hundred products (outputs; gradients get ten times this).</summary>
    private const double FloatFloor = 1e-4;

    /// <summary>TF32 keeps 13 fewer mantissa bits than float32, so its rounding errors are 2^13 times larger.</summary>
    private const double Tf32OverFloat = 8192, Tf32Floor = 2e-3;

    public static void AssertMatchesCpu(string name, ICpuNetwork net, CudaProgram program, int batch)
    {
        var (exactLosses, exactLogits, exactGradients) = Exact(net, batch);
        var cpu = NetworkHarness<float>.Random(net, batch, seed: 5);
        float[] parameters = (float[])cpu.Parameters.Clone();   // before the CPU pass updates running statistics
        float[] input = cpu.Workspace.Input(0, batch).ToArray();
        var cpuGradients = cpu.Gradients();
        var ws = cpu.Workspace;
        float[] cpuLosses = ws.Losses[..batch], cpuLogits = ws.Logits(0, batch).ToArray();
        int[] labels = ws.LabelsOf(0, batch).ToArray();
        float[] targets = ws.TargetsOf(0, batch).ToArray();
        ulong seed = ws.StepSeed;

        using var module = EmulatedCudaModule.Compile(program.Source, CudaEmulationSource.KernelsDirectory);
        module.RoundTf32(false);
        var gpu = Run(module, net, program, parameters, input, batch, labels, targets, seed, training: true, program.Forward.Concat(program.Backward));
        Compare(name + " losses", exactLosses, cpuLosses, gpu.Losses, FloatFloor, 1, minimumScale: 1);
        Compare(name + " logits", exactLogits, cpuLogits, gpu.Logits, FloatFloor, 1, minimumScale: 1e-6);
        Compare(name + " parameter gradients", exactGradients, cpuGradients, gpu.ParameterGradients, 10 * FloatFloor, 1, minimumScale: 1e-6);

        if (!program.Source.Contains("on tensor cores", StringComparison.Ordinal)) return;
        module.RoundTf32(true);
        var rounded = Run(module, net, program, parameters, input, batch, labels, targets, seed, training: true, program.Forward);
        Compare(name + " losses (TF32)", exactLosses, cpuLosses, rounded.Losses, Tf32Floor, Tf32OverFloat, minimumScale: 1);
        Compare(name + " logits (TF32)", exactLogits, cpuLogits, rounded.Logits, Tf32Floor, Tf32OverFloat, minimumScale: 1e-6);
        Assert.NotEqual(gpu.Logits, rounded.Logits);   // the rounding was on
    }

    /// <summary>The same random batch (seed 5) through the CPU program in double precision.</summary>
    private static (double[] Losses, double[] Logits, double[] Gradients) Exact(ICpuNetwork net, int batch)
    {
        var reference = NetworkHarness<double>.From(net, NetworkHarness<float>.Random(net, batch, seed: 5));
        var gradients = reference.Gradients();
        return (reference.Workspace.Losses[..batch], reference.Logits(), gradients);
    }

    public sealed record GpuStep(float[] Losses, float[] Logits, float[] ParameterGradients);

    /// <summary>The launches on emulated buffers laid out as the CPU workspace; returns losses, logits and parameter gradients.</summary>
    public static GpuStep Run(EmulatedCudaModule module, ICpuNetwork net, CudaProgram program, float[] initialParameters, float[] input, int batch,
        int[] labels, float[] targets, ulong seed, bool training, IEnumerable<CudaLaunch> launches)
    {
        var layout = net.Layout;
        float[] parameters = (float[])initialParameters.Clone();   // training updates running statistics
        float[] activations = new float[(long)layout.ActivationsPerSample * batch], gradients = new float[activations.Length];
        input.CopyTo(activations, layout.InputOffset * batch);
        float[] parameterGradients = new float[parameters.Length], reductions = new float[Math.Max(1, layout.ReductionPerWorker)];
        float[] losses = new float[batch], headLosses = new float[2 * batch], scratch = new float[Math.Max(1, program.ScratchFloats(batch))];

        using var pins = new PinnedBuffers();
        var args = new NetDslArgs
        {
            Activations = pins.Pin(activations), Gradients = pins.Pin(gradients), Parameters = pins.Pin(parameters),
            ParameterGradients = pins.Pin(parameterGradients), Scratch = pins.Pin(scratch), Reductions = pins.Pin(reductions),
            Labels = pins.Pin(labels.Length == 0 ? new int[1] : labels), Targets = pins.Pin(targets.Length == 0 ? new float[1] : targets),
            Losses = pins.Pin(losses), HeadLosses = pins.Pin(headLosses), Step = pins.Pin(new[] { new NetDslStep { Seed = seed } }),
            N = batch, Capacity = batch, BatchSize = batch, Training = training ? 1 : 0,
        };
        foreach (var launch in launches)
        {
            var (grid, block) = launch.Shape(batch, GridStride);
            module.Launch(launch.Kernel, (grid, 1, 1), (block, 1, 1), args.For(launch), (uint)launch.SharedBytes);
        }
        return new GpuStep(losses, activations.AsSpan(layout.LogitsOffset * batch, layout.OutputSize * batch).ToArray(), parameterGradients);
    }

    /// <param name="precisionRatio">How much coarser the GPU's arithmetic is than the CPU's float (1, or TF32's 2^13).</param>
    private static void Compare<TCpu>(string what, double[] exact, IReadOnlyList<TCpu> cpu, float[] gpu, double floor, double precisionRatio,
        double minimumScale) where TCpu : INumberBase<TCpu>
    {
        Assert.Equal(exact.Length, cpu.Count);
        Assert.Equal(exact.Length, gpu.Length);
        double scale = Math.Max(minimumScale, exact.Max(Math.Abs));
        var (cpuError, _) = WorstError(exact, i => double.CreateTruncating(cpu[i]), scale);
        var (gpuError, worst) = WorstError(exact, i => gpu[i], scale);
        double bound = Math.Max(floor, Slack * precisionRatio * cpuError);
        Assert.True(gpuError <= bound,
            $"{what}[{worst}]: double {exact[worst]:G9}, CPU float {cpu[worst]:G9}, emulated CUDA {gpu[worst]:G9}; " +
            $"error relative to the largest magnitude {scale:G3}: GPU {gpuError:G3} > bound {bound:G3} (CPU float {cpuError:G3})");
    }

    private static (double Error, int Index) WorstError(double[] exact, Func<int, double> actual, double scale)
    {
        var (error, index) = (0.0, 0);
        for (int i = 0; i < exact.Length; i++)
        {
            double e = Math.Abs(actual(i) - exact[i]) / scale;
            if (double.IsNaN(e)) return (double.PositiveInfinity, i);
            if (e > error) (error, index) = (e, i);
        }
        return (error, index);
    }

    /// <summary>Few blocks for grid-stride kernels: each emulated block runs its threads as OS threads, and any grid is correct.</summary>
    private static (uint Grid, uint Block) GridStride(long work) => ((uint)Math.Clamp((work + 63) / 64, 1, 4), 64);
}
