namespace NetDsl;

/// <summary>
/// The stage's first layer reads the output of another stage instead of the previous one.
/// <see cref="NetDsl.Stage.Input"/> names the network's (or block's) input.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FromAttribute(string stage) : Attribute
{
    public string Stage { get; } = stage;
}

/// <summary>Concatenates the outputs of the named stages along channels; their heights and widths must agree.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class ConcatAttribute(params string[] stages) : LayerAttribute
{
    public string[] Stages { get; } = stages;
}

/// <summary>Adds the outputs of the named stages element-wise (residual connections); their shapes must agree.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class AddAttribute(params string[] stages) : LayerAttribute
{
    public string[] Stages { get; } = stages;
}

/// <summary>
/// Declares a reusable block: a partial class whose Stage properties form a small graph from <c>Stage.Input</c> to its
/// last stage. The parameter names can be used in channel expressions, e.g. <c>[Conv("width * 4")]</c>; <c>in</c> is
/// the block's input channel count.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class BlockAttribute(params string[] parameters) : Attribute
{
    public string[] Parameters { get; } = parameters;
}

/// <summary>
/// Marks a block stage as a projection shortcut: it is built only when its output would differ in shape from the
/// block's input (a stride or a channel change); otherwise it is the identity and has no parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ProjectionAttribute : Attribute;

/// <summary>
/// Instantiates a block with arguments for its parameters, in order. Repeat stacks copies: the first uses
/// <see cref="Stride"/>, the rest stride 1. Instances are named Stage.0, Stage.1, … within the stage; a single
/// instance with a Name is named exactly that (torchvision's "inception3a").
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class UseAttribute<TBlock>(params int[] arguments) : LayerAttribute where TBlock : class
{
    public const int DefaultStride = 1, DefaultRepeat = 1;

    public int[] Arguments { get; } = arguments;
    public int Stride { get; set; } = DefaultStride;
    public int Repeat { get; set; } = DefaultRepeat;
}
