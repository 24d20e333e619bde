using NetDsl.Networks;
using NetDsl.Runtime.Tests.Networks;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The networks whose generated CUDA runs whole training steps under emulation (<see cref="GeneratedCudaTests"/>).
/// Emulation proves kernel forms, not networks: together these use every form of every zoo network
/// (<see cref="KernelFormCoverageTests"/>), at sizes that cost seconds where a 224×224 network costs minutes.
/// </summary>
internal static class EmulatedNetworks
{
    public static readonly IReadOnlyDictionary<string, (Func<ICpuNetwork> Create, CudaProgram Program)> ByName =
        new Dictionary<string, (Func<ICpuNetwork>, CudaProgram)>
        {
            // Whole-network kernels (Team=Block) with fused conv + activation + pool, as the zoo's LeNets run.
            ["LeNet5"] = (() => new LeNet5(), LeNet5.CudaProgram),
            ["LeNet5Classic"] = (() => new LeNet5Classic(), LeNet5Classic.CudaProgram),
            ["EveryLayer"] = (() => new EveryLayer(), EveryLayer.CudaProgram),
            ["PoolFirst"] = (() => new PoolFirst(), PoolFirst.CudaProgram),
            ["WholeTiny"] = (() => new WholeTiny(), WholeTiny.CudaProgram),
            // Per-layer kernels: fused pools, residual blocks, branches, LRN, concat, global pools, BatchNorm.
            ["FusedPools"] = (() => new FusedPools(), FusedPools.CudaProgram),
            ["FusedPoolsNoActivation"] = (() => new FusedPoolsNoActivation(), FusedPoolsNoActivation.CudaProgram),
            ["GraphNet"] = (() => new GraphNet(), GraphNet.CudaProgram),
            // Tensor-core convolutions with and without bias and activation, and the classifiers' forms.
            ["ImageNetForms"] = (() => new ImageNetForms(), ImageNetForms.CudaProgram),
            // Layers the lectures' later networks need.
            ["MoreActivations"] = (() => new MoreActivations(), MoreActivations.CudaProgram),
            ["Readable"] = (() => new Readable(), Readable.CudaProgram),
            ["SoftmaxInside"] = (() => new SoftmaxInside(), SoftmaxInside.CudaProgram),
            ["AveragesWithoutPadding"] = (() => new AveragesWithoutPadding(), AveragesWithoutPadding.CudaProgram),
            ["GeneralConvolutions"] = (() => new GeneralConvolutions(), GeneralConvolutions.CudaProgram),
            ["Transposed"] = (() => new Transposed(), Transposed.CudaProgram),
            ["Upsampled"] = (() => new Upsampled(), Upsampled.CudaProgram),
            // Heads: per-pixel, regression and multi-label losses, and auxiliary classifiers.
            ["PixelHead"] = (() => new PixelHead(), PixelHead.CudaProgram),
            ["SquaredErrorHead"] = (() => new SquaredErrorHead(), SquaredErrorHead.CudaProgram),
            ["AbsoluteErrorHead"] = (() => new AbsoluteErrorHead(), AbsoluteErrorHead.CudaProgram),
            ["MultiLabelHead"] = (() => new MultiLabelHead(), MultiLabelHead.CudaProgram),
            ["AuxiliaryHeads"] = (() => new AuxiliaryHeads(), AuxiliaryHeads.CudaProgram),
            ["PixelAuxiliaryHead"] = (() => new PixelAuxiliaryHead(), PixelAuxiliaryHead.CudaProgram),
            // The same heads inside the whole-network kernels.
            ["WholeRegression"] = (() => new WholeRegression(), WholeRegression.CudaProgram),
            ["WholeMultiLabel"] = (() => new WholeMultiLabel(), WholeMultiLabel.CudaProgram),
            ["WholePixel"] = (() => new WholePixel(), WholePixel.CudaProgram),
        };
}
