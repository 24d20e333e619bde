using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[LeakyRelu(slope)]: x if x &gt; 0, else slope·x. A negative slope would flip y's sign, which backward reads.</summary>
internal sealed class LeakyRelu : Activation
{
    internal sealed record Args(double Slope) : LayerArgs;

    public override LayerArgs Read(AttributeArguments a) => new Args(a.Double(0));
    public override LayerShape? Check(ShapeContext c) =>
        ((Args)c.Args).Slope >= 0 || c.Invalid("slope", ((Args)c.Args).Slope, "zero or more") ? new LayerShape(c.X) : null;
    public override bool IsRectifier => true;
    public override string Detail(NodePlan l) => $" slope={CodeWriter.Literal(((Args)l.Args).Slope)}";
    protected override string CpuArguments(NodePlan l) => $", T.CreateChecked({CodeWriter.Literal(((Args)l.Args).Slope)})";
    protected override string CudaType(NodePlan l) => $"netdsl::LeakyRelu<{FloatBits(((Args)l.Args).Slope)}>";
}

/// <summary>[Elu(alpha)]: x if x &gt; 0, else alpha·(eˣ − 1). Alpha must be positive for backward to read the branch from y.</summary>
internal sealed class Elu : Activation
{
    internal sealed record Args(double Alpha) : LayerArgs;

    public override LayerArgs Read(AttributeArguments a) => new Args(a.Double(0));
    public override LayerShape? Check(ShapeContext c) =>
        ((Args)c.Args).Alpha > 0 || c.Invalid("alpha", ((Args)c.Args).Alpha, "positive") ? new LayerShape(c.X) : null;
    public override string Detail(NodePlan l) => $" alpha={CodeWriter.Literal(((Args)l.Args).Alpha)}";
    protected override string CpuArguments(NodePlan l) => $", T.CreateChecked({CodeWriter.Literal(((Args)l.Args).Alpha)})";
    protected override string CudaType(NodePlan l) => $"netdsl::Elu<{FloatBits(((Args)l.Args).Alpha)}>";
}

/// <summary>[Gelu]: x·Φ(x). Its derivative needs x, so backward reads the input and the activation is never fused.</summary>
internal sealed class Gelu : Activation
{
    protected override bool ReadsInput => true;
}
