using System.CommandLine;
using System.Diagnostics;
using NetDsl.Networks;
using NetDsl.Runtime;
using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Data;
using NetDsl.Runtime.Training;
using Spectre.Console;

namespace NetDsl.Cli.Commands;

/// <summary>
/// <c>netdsl gpucheck</c>: on a GPU, compiles every network's generated program with NVRTC (cold, then from the cache)
/// and checks one training step (forward, backward, SGD) against the CPU trainer on the same batch. Writes a
/// markdown report for bench/results.
/// </summary>
internal static class GpuCheckCommand
{
    public static Command Create()
    {
        var networks = new Option<string[]>("--networks") { Description = "Networks to check (default: the whole zoo).", AllowMultipleArgumentsPerToken = true };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 2 };
        var output = new Option<string?>("--out") { Description = "Markdown report file." };
        var command = new Command("gpucheck", "Check every network's GPU program against the CPU on this machine's GPU.") { networks, batch, output };
        command.SetAction(result => CommonOptions.Guard(() => Run(result.GetValue(networks) is { Length: > 0 } n ? n : Zoo.Names.ToArray(),
            result.GetValue(batch), result.GetValue(output))));
        return command;
    }

    private static int Run(string[] names, int batch, string? output)
    {
        using var device = CudaDevice.Open();
        // A folder of its own, so the first compile of each network is cold (process ids repeat in fresh containers).
        var cache = new CudaKernelCache(Path.Combine(Path.GetTempPath(), $"netdsl-gpucheck-{Guid.NewGuid():N}"));
        var table = new Table().AddColumns("network", "cold compile", "cached load", "loss CPU", "loss GPU", "max |Δupdate| / max |update|", "verdict");
        var header = new List<string> { $"# gpucheck on {device.Name} ({device.ComputeCapability.RealArchitecture}, driver {device.DriverVersion})", "",
            "| network | cold compile | cached load | loss CPU | loss GPU | max |Δupdate| / max |update| | verdict |", "| --- | ---: | ---: | ---: | ---: | ---: | --- |" };
        // The report grows row by row, so a run cut short by a time limit still leaves what it checked.
        if (output is not null) File.WriteAllLines(output, header);
        int failures = 0;
        foreach (var name in names)
        {
            var net = Zoo.Create(name);
            var program = ((IGpuNetwork)net).GpuProgram;
            var clock = Stopwatch.StartNew();
            new CudaKernelBackend(device, program, net.Description.Name, cache).Dispose();
            var cold = clock.Elapsed;
            clock.Restart();
            using var backend = new CudaKernelBackend(device, program, net.Description.Name, cache);
            var warm = clock.Elapsed;

            var data = RandomBatch(net, batch);
            var initial = new float[net.Description.ParameterCount];
            net.InitializeParameters<float>(initial, 1);
            var cpu = new Trainer(net, (float[])initial.Clone(), new Sgd(0.01, 0.9, 5e-4), batch, seed: 3, workers: Environment.ProcessorCount);
            double cpuLoss = cpu.TrainEpoch(data).MeanLoss;
            using var gpu = new GpuTrainer(net, backend, initial, new Sgd(0.01, 0.9, 5e-4), batch, seed: 3);
            double gpuLoss = gpu.TrainEpoch(data).MeanLoss;
            var parameters = new float[initial.Length];
            gpu.ReadParameters(parameters);
            double worst = UpdateDifference(initial, cpu.Parameters, parameters);
            bool pass = worst <= Tolerance && Math.Abs(cpuLoss - gpuLoss) <= Tolerance * Math.Max(1, Math.Abs(cpuLoss));
            failures += pass ? 0 : 1;
            string[] row = [name, $"{cold.TotalMilliseconds:N0} ms", $"{warm.TotalMilliseconds:N1} ms", $"{cpuLoss:G6}", $"{gpuLoss:G6}", $"{worst:E2}", pass ? "pass" : "FAIL"];
            table.AddRow(row.Select(Markup.Escape).ToArray());
            Console.WriteLine(string.Join("  ", row));
            if (output is not null) File.AppendAllLines(output, ["| " + string.Join(" | ", row) + " |"]);
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(failures == 0 ? "[green]Every network's GPU step matches the CPU.[/]" : $"[red]{failures} network(s) differ.[/]");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>TF32 tensor cores round operands to 10 mantissa bits; gradients through a deep network keep ~3 digits.</summary>
    private const double Tolerance = 1e-2;

    /// <summary>
    /// How far the GPU's SGD update (after − before) is from the CPU's, relative to the largest CPU update: comparing
    /// the parameters themselves would hide wrong gradients behind a small learning rate.
    /// </summary>
    private static double UpdateDifference(float[] before, float[] cpuAfter, float[] gpuAfter)
    {
        double scale = 0, worst = 0;
        for (int i = 0; i < before.Length; i++) scale = Math.Max(scale, Math.Abs(cpuAfter[i] - before[i]));
        for (int i = 0; i < before.Length; i++) worst = Math.Max(worst, Math.Abs(cpuAfter[i] - gpuAfter[i]));
        return scale == 0 ? worst : worst / scale;
    }

    private static ArrayBatchSource RandomBatch(ICpuNetwork net, int batch)
    {
        var random = new Random(5);
        var shape = net.Description.Input;
        return new ArrayBatchSource(shape, net.Description.Classes,
            Enumerable.Range(0, batch * shape.Size).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(),
            Enumerable.Range(0, batch).Select(_ => random.Next(net.Description.Classes)).ToArray());
    }
}
