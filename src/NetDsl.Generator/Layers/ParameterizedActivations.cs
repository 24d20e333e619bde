using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[LeakyRelu(slope)]: x if x &gt; 0, else slope·x. A negative slope would flip y's sign, which backward reads.</summary>
internal sealed class LeakyRelu() : ParameterizedActivation("slope", "zero or more")
{
    public override bool IsRectifier => true;
    protected override bool Allows(double slope) => slope >= 0;
}

/// <summary>[Elu(alpha)]: x if x &gt; 0, else alpha·(eˣ − 1). Alpha must be positive for backward to read the branch from y.</summary>
internal sealed class Elu() : ParameterizedActivation("alpha", "positive")
{
    protected override bool Allows(double alpha) => alpha > 0;
}

/// <summary>[Gelu]: x·Φ(x). Its derivative needs x, so backward reads the input and the activation is never fused.</summary>
internal sealed class Gelu : Activation
{
    protected override bool ReadsInput => true;
}

/// <summary>
/// An activation with one real parameter, the attribute's first argument: a T in the CPU calls, its float's bits in the
/// CUDA functor type (netdsl::LeakyRelu&lt;0x3e4ccccd&gt;), so it is a constant in the kernel and fuses like the others.
/// </summary>
internal abstract class ParameterizedActivation(string parameter, string requirement) : Activation
{
    internal sealed record Args(double Value) : LayerArgs;

    protected abstract bool Allows(double value);

    private static double Value(NodePlan l) => ((Args)l.Args).Value;

    public override LayerArgs Read(AttributeArguments a) => new Args(a.Double(0));

    public override LayerShape? Check(ShapeContext c)
    {
        double value = ((Args)c.Args).Value;
        return Allows(value) || c.Invalid(parameter, value, requirement) ? new LayerShape(c.X) : null;
    }

    public override string Detail(NodePlan l) => $" {parameter}={CodeWriter.Literal(Value(l))}";
    protected override string CpuArguments(NodePlan l) => $", T.CreateChecked({CodeWriter.Literal(Value(l))})";
    protected override string CudaType(NodePlan l) => $"netdsl::{Name}<{FloatBits(Value(l))}>";
}
