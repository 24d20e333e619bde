using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[Concat("a", "b")]: the named stages' outputs along channels; heights and widths must agree.</summary>
internal sealed class Concat : Join
{
    public override LayerShape? Check(ShapeContext c)
    {
        var first = c.Inputs[0];
        for (int i = 1; i < c.Inputs.Count; i++)
            if (c.Inputs[i].H != first.H || c.Inputs[i].W != first.W)
                return Rejected(Report(c, Catalog.ConcatMismatch, c.Display(0), $"{first.H}×{first.W}", c.Display(i), $"{c.Inputs[i].H}×{c.Inputs[i].W}"));
        return new LayerShape(new Shape(c.Inputs.Sum(s => s.C), first.H, first.W));
    }

    public override void CpuForward(CpuLayer c)
    {
        long offset = 0;
        for (int i = 0; i < c.L.Inputs.Count; i++)
        {
            c.Line($"{CpuLayer.Kernels}Join.ConcatForward({c.Y}, {c.X(i)}, n, {c.L.Out.Size}, {c.L.InShapes[i].Size}, {offset});");
            offset += c.L.InShapes[i].Size;
        }
    }

    public override void CpuBackward(CpuLayer c)
    {
        long offset = 0;
        for (int i = 0; i < c.L.Inputs.Count; i++)
        {
            if (c.Dx(i) is { } dx) c.Line($"{CpuLayer.Kernels}Join.ConcatBackward({dx}, {c.Dy}, n, {c.L.Out.Size}, {c.L.InShapes[i].Size}, {offset});");
            offset += c.L.InShapes[i].Size;
        }
    }

    public override void CudaForward(CudaLayer c) =>
        c.Kernel("forward", "", c.L.Out.Size, 0, Parts(c, i => $"netdsl::concat_forward<{{0}}>({c.Y}, {c.X(i)}, a.n);").ToArray());

    public override void CudaBackward(CudaLayer c) =>
        c.Kernel("backward", "", c.L.Out.Size, 0, Parts(c, i => c.Dx(i) is { } dx ? $"netdsl::concat_backward<{{0}}>({dx}, {c.Dy}, a.n);" : null).ToArray());

    /// <summary>One call per input, given its sizes (out, in, offset) as {0}.</summary>
    private static IEnumerable<string> Parts(CudaLayer c, System.Func<int, string?> call)
    {
        long offset = 0;
        for (int i = 0; i < c.L.Inputs.Count; i++)
        {
            if (call(i) is { } line) yield return string.Format(line, $"{c.L.Out.Size}, {c.L.InShapes[i].Size}, {offset}");
            offset += c.L.InShapes[i].Size;
        }
    }
}

/// <summary>[Add("a", "b")]: the named stages' outputs element-wise (residual connections); shapes must agree.</summary>
internal sealed class Add : Join
{
    public override LayerShape? Check(ShapeContext c)
    {
        for (int i = 1; i < c.Inputs.Count; i++)
            if (c.Inputs[i] != c.Inputs[0])
                return Rejected(Report(c, Catalog.AddMismatch, c.Display(0), c.Inputs[0], c.Display(i), c.Inputs[i]));
        return new LayerShape(c.Inputs[0]);
    }

    public override void CpuForward(CpuLayer c)
    {
        c.Line($"{CpuLayer.Kernels}Join.Add({c.Y}, {c.X(0)}, {c.X(1)});");
        for (int i = 2; i < c.L.Inputs.Count; i++) c.Line($"{CpuLayer.Kernels}Join.Accumulate({c.Y}, {c.X(i)});");
    }

    public override void CpuBackward(CpuLayer c)
    {
        for (int i = 0; i < c.L.Inputs.Count; i++)
            if (c.Dx(i) is { } dx) c.Line($"{CpuLayer.Kernels}Join.Copy({dx}, {c.Dy});");
    }

    public override void CudaForward(CudaLayer c)
    {
        long size = c.L.Out.Size;
        c.Kernel("forward", "", size, 0, Enumerable.Range(1, c.L.Inputs.Count - 1)
            .Select(i => i == 1 ? $"netdsl::add({c.Y}, {c.X(0)}, {c.X(1)}, {c.Total(size)});" : $"netdsl::accumulate({c.Y}, {c.X(i)}, {c.Total(size)});").ToArray());
    }

    public override void CudaBackward(CudaLayer c) =>
        c.Kernel("backward", "", c.L.Out.Size, 0, Enumerable.Range(0, c.L.Inputs.Count).Select(i => c.Dx(i))
            .Where(dx => dx is not null).Select(dx => $"netdsl::copy({dx}, {c.Dy}, {c.Total(c.L.Out.Size)});").ToArray());
}

/// <summary>
/// Joins read the stages their attribute names: first in a stage, exactly those; later, the stage's running value too.
/// At least two inputs.
/// </summary>
internal abstract class Join : Layer
{
    internal sealed record Args(EquatableArray<string> Stages) : LayerArgs
    {
        public override EquatableArray<string> Inputs => Stages;
    }

    public override LayerArgs Read(AttributeArguments a) => new Args(a.Strings(0));

    public override bool Joins => true;

    protected static bool Report(ShapeContext c, Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params object[] arguments)
    {
        c.Report(descriptor, arguments);
        return false;
    }
}
