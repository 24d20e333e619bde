using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[Relu]: max(0, x).</summary>
internal sealed class Relu : Activation
{
    public override bool IsRectifier => true;
}

/// <summary>[Tanh]: tanh(x).</summary>
internal sealed class Tanh : Activation;

/// <summary>[Sigmoid]: 1 / (1 + e^−x).</summary>
internal sealed class Sigmoid : Activation;

/// <summary>
/// An element-wise activation. CPU: Activations.{Name}Forward/Backward (backward from y, or from x when
/// <see cref="ReadsInput"/>), with <see cref="CpuArguments"/> appended. CUDA: the functor type netdsl::{Name}, fused into
/// the convolution or dense layer it alone reads when its derivative needs only y.
/// </summary>
internal abstract class Activation : Layer
{
    /// <summary>The derivative needs x (GELU): backward reads the input, and the activation cannot be fused.</summary>
    protected virtual bool ReadsInput => false;

    /// <summary>Arguments after the buffers in the CPU calls (a slope), with their leading comma.</summary>
    protected virtual string CpuArguments(NodePlan l) => "";

    /// <summary>The CUDA functor type: netdsl::Relu, or netdsl::LeakyRelu&lt;bits&gt; with a parameter.</summary>
    protected virtual string CudaType(NodePlan l) => "netdsl::" + Name;

    public override LayerShape? Check(ShapeContext c) => new(c.X);

    public override void CpuForward(CpuLayer c) => c.Line($"{CpuLayer.Kernels}Activations.{Name}Forward({c.Y}, {c.X()}{CpuArguments(c.L)});");

    public override void CpuBackward(CpuLayer c)
    {
        if (c.Dx() is { } dx) c.Line($"{CpuLayer.Kernels}Activations.{Name}Backward({dx}, {c.Dy}, {(ReadsInput ? c.X() : c.Y)}{CpuArguments(c.L)});");
    }

    public override bool RunsInTile => true;

    public override string? FusableActivation(NodePlan l) => ReadsInput ? null : CudaType(l);

    public override void CudaForward(CudaLayer c) =>
        c.Kernel("forward", "", c.L.Out.Size, 0, $"netdsl::activation_forward<{CudaType(c.L)}{c.Team}>({c.Y}, {c.X()}, {c.Total(c.L.Out.Size)});");

    public override void CudaBackward(CudaLayer c)
    {
        if (c.Dx() is { } dx)
            c.Kernel("backward", "", c.L.In.Size, 0,
                $"netdsl::activation_backward<{CudaType(c.L)}{c.Team}>({dx}, {c.Dy}, {c.X()}, {c.Y}, {c.Total(c.L.Out.Size)});");
    }

    /// <summary>A float parameter as the bits of its float32, the form CUDA template arguments take (0.01 → 0x3c23d70a).</summary>
    protected static string FloatBits(double value) =>
        "0x" + System.BitConverter.ToInt32(System.BitConverter.GetBytes((float)value), 0).ToString("x8");
}
