using NetDsl.Networks;

namespace NetDsl.Runtime.Tests.Networks;

/// <summary>The compile-time report of the zoo: parameter counts against torchvision, receptive fields against hand arithmetic.</summary>
public class ZooSummaryTests
{
    [Theory]
    [InlineData("alexnet", 61_100_840)]
    [InlineData("vgg11", 132_863_336)]
    [InlineData("vgg16", 138_357_544)]
    [InlineData("vgg19", 143_667_240)]
    [InlineData("resnet18", 11_689_512)]
    [InlineData("resnet34", 21_797_672)]
    [InlineData("resnet50", 25_557_032)]
    [InlineData("resnet101", 44_549_160)]
    [InlineData("resnet152", 60_192_808)]
    [InlineData("googlenet", 13_004_888)]   // googlenet(aux_logits=True): 6,624,904 on the main path, the rest in aux1 and aux2
    public void Trainable_parameters_match_torchvision(string name, int torchvision) =>
        Assert.Equal(torchvision, Zoo.Create(name).Description.TrainableParameterCount);

    [Fact]
    public void Every_zoo_network_ends_in_its_classes_and_sums_its_layers()
    {
        foreach (var name in Zoo.Names)
        {
            var d = Zoo.Create(name).Description;
            // A classifier ends in one score per class; a segmentation network in one per class and pixel of its label map.
            var expected = d.Targets.Kind == TargetKind.ClassMap
                ? new Shape(d.Classes, d.Targets.Shape.Height, d.Targets.Shape.Width).Size
                : d.Classes;
            Assert.Equal(expected, d.Layers[^1].Output.Size);
            Assert.Equal(d.TrainableParameterCount, d.Layers.Sum(l => l.Parameters));
            Assert.True(d.Parameters.SkipWhile(p => p.Trainable).All(p => !p.Trainable), $"{name}: buffers must follow every trainable tensor");
        }
    }

    [Fact]
    public void Every_tensor_of_the_zoo_belongs_to_exactly_one_stage()
    {
        foreach (var name in Zoo.Names)
        {
            var d = Zoo.Create(name).Description;
            var owners = d.Stages.SelectMany(s => d.ParametersOf(s.Name).Select(p => (Parameter: p.Name, Stage: s.Name))).ToLookup(o => o.Parameter);
            var wrong = d.Parameters.Where(p => owners[p.Name].Count() != 1)
                .Select(p => $"{p.Name} in [{string.Join(", ", owners[p.Name].Select(o => o.Stage))}]").ToList();
            Assert.True(wrong.Count == 0, $"{name}: {string.Join("; ", wrong)}");
        }
    }

    /// <summary>A K×K stride-1 convolution then P×P pooling sees (P+K−1)×(P+K−1); LeNet-5: 5×5 conv, 2×2 pool → 6×6, and so on.</summary>
    [Theory]
    [InlineData("lenet5", "C1.0", 5, 1)]
    [InlineData("lenet5", "C1.2", 6, 2)]       // 2 + 5 − 1
    [InlineData("lenet5", "C3.0", 14, 2)]      // 6 + (5 − 1)·2
    [InlineData("lenet5", "C3.2", 16, 4)]      // 14 + (2 − 1)·2
    [InlineData("vgg16", "features.4", 6, 2)]  // two 3×3 convs (5×5), then 2×2 pooling: 5 + 1
    [InlineData("vgg16", "features.30", 212, 32)]
    [InlineData("resnet18", "conv1", 7, 2)]
    [InlineData("resnet18", "Stem.3", 11, 4)]  // 7 + (3 − 1)·2
    [InlineData("alexnet", "features.2", 19, 8)] // 11 + (3 − 1)·4
    public void Receptive_fields_match_hand_worked_values(string network, string layer, int size, int jump)
    {
        var l = Zoo.Create(network).Description.Layers.Single(l => l.Name == layer);
        Assert.Equal((size, jump), (l.RfRows.Size, l.RfRows.Jump));
    }

    [Fact]
    public void A_residual_block_sees_its_widest_branch()
    {
        var layers = Zoo.Create("resnet18").Description.Layers;
        var add = layers.First(l => l.Kind == "Add");              // layer1.0: conv 3×3, conv 3×3 after the 11×11 stem
        Assert.Equal((11 + 2 * 4 + 2 * 4, 4), (add.RfRows.Size, add.RfRows.Jump));
    }

    [Fact]
    public void Rectangular_windows_give_rows_and_columns_their_own_fields()
    {
        // Grouped 3×3 (3), separable 3×3 then 1×1 (5), dilated 3×3 by 2 (9), then 3×1 with stride (2,1): rows grow by 2, columns not.
        var head = new GeneralConvolutions().Description.Layers.Single(l => l.Name == "Head.0");
        Assert.Equal(new ReceptiveAxis(11, 2, 1.5), head.RfRows);   // the unpadded separable 3×3 moves the first centre by 1
        Assert.Equal(new ReceptiveAxis(9, 1, 1.5), head.RfColumns);
        Assert.Equal("11×9, jump 2,1, start 1.5,1.5", head.ReceptiveField);
    }
}
