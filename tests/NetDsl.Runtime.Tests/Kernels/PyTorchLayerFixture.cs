using System.Text.Json;
using NetDsl.Runtime.Checkpoints;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// A single-layer PyTorch fixture written by fixtures/make_*_fixture.py: tensors named "&lt;config&gt;.&lt;tensor&gt;", the
/// metadata's "configs" listing the configurations and each configuration's hyperparameters as a JSON object.
/// </summary>
internal sealed class PyTorchLayerFixture(string fileName)
{
    private readonly SafeTensorsFile file = SafeTensors.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", fileName));

    /// <summary>The configuration names, for a theory's data (read when tests are discovered).</summary>
    public static TheoryData<string> Configs(string fileName) => new(new PyTorchLayerFixture(fileName).file.Metadata["configs"].Split(','));

    public JsonElement Hyperparameters(string config) => JsonDocument.Parse(file.Metadata[config]).RootElement;

    public SafeTensor this[string config, string tensor] => file[$"{config}.{tensor}"];

    public bool Has(string config, string tensor) => file.TryGetTensor($"{config}.{tensor}", out _);
}
