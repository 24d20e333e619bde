using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Checking;

/// <summary>
/// Walks the layers in order, computing every shape, parameter slice, workspace slot and receptive field.
/// The first shape error stops the walk: later shapes would only repeat it. Warnings do not stop it.
/// </summary>
internal static class ShapeChecker
{
    public static NetworkPlan Check(NetworkSpec spec)
    {
        var diagnostics = new List<DiagnosticInfo>(spec.Diagnostics);
        var walk = new Walk(spec, diagnostics);
        var layers = spec.Incomplete ? null : walk.Run();
        return layers is null
            ? new NetworkPlan(spec, default, EquatableArray<LayerPlan>.Empty, 0, 0, 0, 0, diagnostics.ToEquatableArray())
            : new NetworkPlan(spec, walk.InputShape, layers.ToEquatableArray(), walk.ParameterCount,
                walk.ActivationsPerSample, walk.ProbabilitySlot, walk.Scratch, diagnostics.ToEquatableArray());
    }

    private sealed class Walk(NetworkSpec spec, List<DiagnosticInfo> diagnostics)
    {
        public Shape InputShape;
        public int ParameterCount, ActivationsPerSample, ProbabilitySlot, Scratch;

        private long _slots, _parameters;
        private Shape _shape;
        private int _rfSize = 1, _rfJump = 1, _inputSlot;
        private double _rfStart = 0.5;   // centre of the first input pixel
        private bool _parametersBefore;

        public List<LayerPlan>? Run()
        {
            if (!ReadInput()) return null;
            var plans = new List<LayerPlan>();
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                var plan = Step(i);
                if (plan is null) return null;
                plans.Add(plan);
            }

            var logits = plans[plans.Count - 1];
            if (logits.Out.Size < 2)
                return Fail(Catalog.TooFewClasses, spec.Location, spec.ClassName, Describe(spec.Layers.Count - 1), logits.Out.Size);
            ProbabilitySlot = (int)_slots;
            _slots += logits.Out.Size;
            if (_slots > int.MaxValue) return Fail(Catalog.TooLarge, spec.Location, spec.ClassName, _slots, "activations");
            if (_parameters > int.MaxValue) return Fail(Catalog.TooLarge, spec.Location, spec.ClassName, _parameters, "parameters");
            ActivationsPerSample = (int)_slots;
            ParameterCount = (int)_parameters;
            return plans;
        }

        private bool ReadInput()
        {
            if (spec.Input.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(Catalog.MissingInput, spec.Location, spec.ClassName));
                return false;
            }
            if (spec.Input.Count != 3 || spec.Input.Any(d => d <= 0))
            {
                diagnostics.Add(DiagnosticInfo.Create(Catalog.InvalidInput, spec.Location, spec.ClassName, "(" + string.Join(",", spec.Input) + ")"));
                return false;
            }
            if (spec.Head != 0)   // Head.SoftmaxCrossEntropy is the only head so far
            {
                diagnostics.Add(DiagnosticInfo.Create(Catalog.InvalidArgument, spec.Location, spec.ClassName, "Network", "head", spec.Head, "SoftmaxCrossEntropy"));
                return false;
            }
            if (spec.Layers.Count == 0)
            {
                if (!diagnostics.Any(d => d.Id == Catalog.EmptyStage.Id))
                    diagnostics.Add(DiagnosticInfo.Create(Catalog.NoLayers, spec.Location, spec.ClassName));
                return false;
            }
            InputShape = _shape = new Shape(spec.Input[0], spec.Input[1], spec.Input[2]);
            _slots = _shape.Size;
            return true;
        }

        private LayerPlan? Step(int i)
        {
            var s = spec.Layers[i];
            var input = _shape;
            Shape output;
            long weights = 0, bias = 0, macs = 0;
            int fanIn = 0, fanOut = 0;
            switch (s.Kind)
            {
                case LayerKind.Conv:
                    if (!Positive(s, "out channels", s.Size) || !Positive(s, "kernel", s.Kernel) || !Positive(s, "stride", s.Stride)
                        || !AtLeast(s, "padding", s.Padding, 0, "zero or more")) return null;
                    if (!Slide(i, s.Kernel, s.Stride, s.Padding, out int h, out int w)) return null;
                    output = new Shape(s.Size, h, w);
                    fanIn = input.C * s.Kernel * s.Kernel;
                    fanOut = s.Size * s.Kernel * s.Kernel;
                    weights = (long)s.Size * fanIn;
                    bias = s.Size;
                    macs = (long)s.Size * h * w * fanIn;
                    Scratch = (int)Math.Min(int.MaxValue, Math.Max(Scratch, 2L * fanIn * h * w));
                    Grow(s.Kernel, s.Stride, s.Padding);
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    if (!Positive(s, "kernel", s.Kernel) || !Positive(s, "stride", s.Stride)) return null;
                    if (!Slide(i, s.Kernel, s.Stride, 0, out h, out w)) return null;
                    output = new Shape(input.C, h, w);
                    Grow(s.Kernel, s.Stride, 0);
                    break;
                case LayerKind.Dense:
                    if (!Positive(s, "units", s.Size)) return null;
                    output = new Shape(s.Size, 1, 1);
                    fanIn = input.Size;
                    fanOut = s.Size;
                    weights = (long)s.Size * fanIn;
                    bias = s.Size;
                    macs = weights;
                    Grow(Math.Max(input.H, input.W), 1, 0);   // a dense unit sees its whole input
                    break;
                case LayerKind.Dropout:
                    if (!(s.Probability >= 0 && s.Probability < 1))
                    {
                        Fail(Catalog.InvalidArgument, s.Location, s.Stage, "Dropout", "probability", s.Probability, "at least 0 and below 1");
                        return null;
                    }
                    output = input;
                    break;
                default:
                    output = input;
                    break;
            }

            // Sizes are summed in 64 bits: one oversized layer must be reported, not wrapped around.
            long outputSize = (long)output.C * output.H * output.W;
            int outputSlot = (int)_slots, maskSlot = -1;
            _slots += outputSize;
            if (s.Kind == LayerKind.Dropout)
            {
                maskSlot = (int)Math.Min(int.MaxValue, _slots);
                _slots += outputSize;
            }
            if (_slots > int.MaxValue)
            {
                Fail(Catalog.TooLarge, spec.Location, spec.ClassName, _slots, "activations");
                return null;
            }

            var plan = new LayerPlan(s, $"{s.Stage}.{s.Index}", i == 0 ? "input" : $"{spec.Layers[i - 1].Stage}.{spec.Layers[i - 1].Index}",
                input, output, _inputSlot, outputSlot, maskSlot,
                (int)Math.Min(int.MaxValue, _parameters), (int)weights, (int)Math.Min(int.MaxValue, _parameters + weights), (int)bias,
                fanIn, fanOut, weights > 0 ? InitFor(i) : InitKind.None,
                macs, _rfSize, _rfJump, _rfStart, _parametersBefore);
            _parameters += weights + bias;
            _parametersBefore |= weights > 0;
            _inputSlot = outputSlot;
            _shape = output;
            return plan;
        }

        /// <summary>Output size of a sliding window; reports a kernel that does not fit, warns on an uneven stride.</summary>
        private bool Slide(int i, int kernel, int stride, int padding, out int height, out int width)
        {
            var s = spec.Layers[i];
            int paddedH = _shape.H + 2 * padding, paddedW = _shape.W + 2 * padding;
            height = width = 0;
            if (paddedH < kernel || paddedW < kernel)
            {
                Fail(Catalog.KernelTooLarge, s.Location, s.Stage, s.Kind, kernel, _shape.H, _shape.W, From(i), padding, paddedH, paddedW);
                return false;
            }
            int remainderH = (paddedH - kernel) % stride, remainderW = (paddedW - kernel) % stride;
            if (remainderH != 0 || remainderW != 0)
            {
                bool rows = remainderH != 0;
                diagnostics.Add(DiagnosticInfo.Create(Catalog.StrideLeavesRemainder, s.Location, s.Stage, s.Kind, kernel, stride,
                    _shape.H, _shape.W, From(i), rows ? _shape.H : _shape.W, padding, rows ? remainderH : remainderW));
            }
            height = (paddedH - kernel) / stride + 1;
            width = (paddedW - kernel) / stride + 1;
            return true;
        }

        /// <summary>Receptive-field arithmetic for a window of <paramref name="kernel"/> with the given stride and padding.</summary>
        private void Grow(int kernel, int stride, int padding)
        {
            _rfStart += ((kernel - 1) / 2.0 - padding) * _rfJump;
            _rfSize += (kernel - 1) * _rfJump;
            _rfJump *= stride;
        }

        /// <summary>He for weights feeding a ReLU (through pooling or dropout), Xavier otherwise.</summary>
        private InitKind InitFor(int i)
        {
            for (int j = i + 1; j < spec.Layers.Count; j++)
            {
                var kind = spec.Layers[j].Kind;
                if (kind is LayerKind.MaxPool or LayerKind.AvgPool or LayerKind.Dropout) continue;
                return kind == LayerKind.Relu ? InitKind.HeNormal : InitKind.XavierUniform;
            }
            return InitKind.XavierUniform;
        }

        private bool Positive(LayerSpec s, string what, int value) => AtLeast(s, what, value, 1, "at least 1");

        private bool AtLeast(LayerSpec s, string what, int value, int minimum, string expected)
        {
            if (value >= minimum) return true;
            Fail(Catalog.InvalidArgument, s.Location, s.Stage, s.Kind, what, value, expected);
            return false;
        }

        /// <summary>Who produced layer i's input, as a user would name it.</summary>
        private string From(int i) => i == 0 ? "the input" : Describe(i - 1);

        /// <summary>A stage's last layer is the stage itself; an inner layer is named with its kind.</summary>
        private string Describe(int i)
        {
            var s = spec.Layers[i];
            bool last = i + 1 == spec.Layers.Count || spec.Layers[i + 1].Stage != s.Stage;
            return last ? s.Stage : $"{s.Stage}.{s.Index} ({s.Kind})";
        }

        private List<LayerPlan>? Fail(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params object[] args)
        {
            diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));
            return null;
        }
    }
}
