using NetDsl.Runtime;

namespace NetDsl.Networks;

/// <summary>The networks the CLI knows by name.</summary>
public static class Zoo
{
    private static readonly Dictionary<string, Func<ICpuNetwork>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lenet5"] = () => new LeNet5(),
        ["lenet5classic"] = () => new LeNet5Classic(),
        ["alexnet2012"] = () => new AlexNet2012(),
        ["alexnet"] = () => new AlexNet(),
        ["zfnet"] = () => new ZFNet(),
        ["nin"] = () => new NiN(),
        ["vgg11"] = () => new Vgg11(),
        ["vgg11bn"] = () => new Vgg11Bn(),
        ["vgg11lrn"] = () => new Vgg11Lrn(),
        ["vgg13"] = () => new Vgg13(),
        ["vgg13bn"] = () => new Vgg13Bn(),
        ["vgg16c"] = () => new Vgg16C(),
        ["vgg16"] = () => new Vgg16(),
        ["vgg16bn"] = () => new Vgg16Bn(),
        ["vgg19"] = () => new Vgg19(),
        ["vgg19bn"] = () => new Vgg19Bn(),
        ["resnet18"] = () => new ResNet18(),
        ["resnet34"] = () => new ResNet34(),
        ["resnet50"] = () => new ResNet50(),
        ["resnet101"] = () => new ResNet101(),
        ["resnet152"] = () => new ResNet152(),
        ["resnet20"] = () => new ResNet20(),
        ["resnet32"] = () => new ResNet32(),
        ["resnet44"] = () => new ResNet44(),
        ["resnet56"] = () => new ResNet56(),
        ["resnet110"] = () => new ResNet110(),
        ["resnet20gray"] = () => new ResNet20Gray(),
        ["fashionvgg"] = () => new FashionVgg(),
        ["googlenet"] = () => new GoogLeNet(),
        ["alexnetgap"] = () => new AlexNetGap(),
        ["vgg16gap"] = () => new Vgg16Gap(),
        ["googlenetgap"] = () => new GoogLeNetGap(),
        ["shapesunet"] = () => new ShapesUNet(),
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>The network called <paramref name="name"/> (case-insensitive); an unknown name lists the known ones.</summary>
    public static ICpuNetwork Create(string name) =>
        Factories.TryGetValue(name, out var create) ? create()
            : throw new ArgumentException($"Unknown network '{name}'. Known networks: {string.Join(", ", Names)}.");
}
