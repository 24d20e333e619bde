using System.Text;
using System.Text.Json;
using NetDsl.Networks;
using NetDsl.Runtime.Checkpoints;

namespace NetDsl.Runtime.Tests.Networks;

/// <summary>
/// The zoo's ImageNet networks against torchvision 0.14 (fixtures/make_torchvision_fixtures.py): parameter names and
/// shapes against the state_dict, evaluation logits, and for ResNet-18 one training step (loss, logits, every
/// parameter's gradient, the updated running statistics). Weights and inputs come from <see cref="DeterministicWeights"/>,
/// which the fixture script mirrors bit for bit; NetDsl runs in double because torchvision ran in float64.
/// </summary>
public class TorchvisionTests
{
    private const double Tolerance = TorchvisionFixture.Tolerance;
    private const int Batch = 2;

    public static TheoryData<string> Networks => new() { "resnet18", "vgg11", "alexnet", "googlenet" };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameters_match_the_torchvision_state_dict(string name) =>
        TorchvisionFixture.Load(name).AssertSameParameters(Zoo.Create(name).Description);

    /// <summary>GoogLeNet's 13,004,888 include torchvision's auxiliary heads (fixture: googlenet(aux_logits=True)).</summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void Trainable_parameter_count_is_torchvisions(string name) =>
        Assert.Equal(long.Parse(TorchvisionFixture.Load(name).File.Metadata["trainable_parameters"], System.Globalization.CultureInfo.InvariantCulture),
            Zoo.Create(name).Description.TrainableParameterCount);

    [Theory]
    [InlineData("resnet18", 2)]
    [InlineData("vgg11", 1)] // 7.6 G multiply-adds and 2 GB of double parameters and gradients: one image is plenty
    [InlineData("alexnet", 2)]
    [InlineData("googlenet", 2)]
    public void Evaluation_logits_match_torchvision(string name, int samples)
    {
        var (fixture, net, parameters) = Prepare(name);

        using var ws = new Workspace<double>(net.Layout, parameters.Length, samples, workers: samples)
        {
            BatchSize = samples, Training = false, HasLabels = false,
        };
        DeterministicWeights.FillInput<double>(ws.Input(0, samples));
        ws.Run(samples, (w, n0, n1) => net.Forward<double>(parameters, ws, w, n0, n1));

        var problems = CompareLogits("evaluation logits", fixture.File["eval.logits"].Data, ws.Logits(0, samples).ToArray());
        if (problems is not null) Assert.Fail($"{name}: {problems}\n{Hints[name]}");
    }

    [Fact]
    public void ResNet18_training_step_matches_torchvision()
    {
        const string Name = "resnet18";
        var (fixture, net, parameters) = Prepare(Name);

        using var ws = new Workspace<double>(net.Layout, parameters.Length, Batch, workers: Batch)
        {
            BatchSize = Batch, Training = true, HasLabels = true,
        };
        DeterministicWeights.FillInput<double>(ws.Input(0, Batch));
        for (int n = 0; n < Batch; n++) ws.Labels[n] = (int)fixture.File["train.labels"].Data[n];
        // One forward only: in training it also moves the running statistics, which are compared below.
        ws.ClearParameterGradients();
        ws.Run(Batch, (w, n0, n1) =>
        {
            net.Forward<double>(parameters, ws, w, n0, n1);
            net.Backward<double>(parameters, ws, w, n0, n1);
        });

        var forward = new List<string>();
        double loss = ws.Losses.Take(Batch).Average(), expectedLoss = fixture.File["train.loss"].Data[0];
        if (Math.Abs(loss - expectedLoss) > Tolerance * Math.Abs(expectedLoss))
            forward.Add($"mean cross-entropy: torchvision {expectedLoss:G9}, NetDsl {loss:G9}");
        if (CompareLogits("training logits (batch statistics)", fixture.File["train.logits"].Data, ws.Logits(0, Batch).ToArray()) is { } logits)
            forward.Add(logits);
        forward.AddRange(fixture.CompareSummaries("after", net.Description, parameters, "running statistic after the step"));
        if (forward.Count > 0)
            Assert.Fail($"{Name} training forward differs (gradients not compared until it matches):\n  " +
                        string.Join("\n  ", forward) + $"\n{Hints[Name]}");

        var gradients = fixture.CompareSummaries("grad", net.Description, ws.ReduceParameterGradients(), "gradient");
        if (gradients.Count > 0)
            Assert.Fail($"{Name}: the training forward matches, but {gradients.Count} parameter gradients differ " +
                        "(in state_dict order; gradients flow backwards, so the last one listed is usually the culprit):\n  " +
                        string.Join("\n  ", gradients));
    }

    /// <summary>The reporter itself, so it is known to work before the networks land: one line per kind of difference.</summary>
    [Fact]
    public void Parameter_differences_are_each_reported()
    {
        var fixture = TorchvisionFixture.Load("resnet18");
        fixture.AssertSameParameters(Describe(fixture.Expected));

        var altered = fixture.Expected.Where(e => e.Name != "fc.bias").Select(e => e.Name switch
        {
            "layer1.0.conv1.weight" => e with { Name = "layer1.0.Conv1.weight" },
            "fc.weight" => e with { Shape = [512, 1000] },
            "bn1.running_mean" => e with { Trainable = true },
            _ => e,
        });
        string message = Assert.Throws<Xunit.Sdk.FailException>(() => fixture.AssertSameParameters(Describe(altered))).Message;
        Assert.Contains("layer1.0.conv1.weight [64, 64, 3, 3]   (NetDsl has layer1.0.Conv1.weight with this shape)", message);
        Assert.Contains("in NetDsl, not in torchvision (1):\n    layer1.0.Conv1.weight [64, 64, 3, 3]", message);
        Assert.Contains("\n    fc.bias [1000]", message);
        Assert.Contains("fc.weight: torchvision [1000, 512], NetDsl [512, 1000]", message);
        Assert.Contains("bn1.running_mean: torchvision buffer, NetDsl parameter", message);
    }

    /// <summary>A description laid out as the generator lays one out: trainable tensors first, then buffers.</summary>
    private static NetworkDescription Describe(IEnumerable<StateDictEntry> entries)
    {
        int offset = 0;
        var parameters = entries.OrderBy(e => e.Trainable ? 0 : 1).Select(e =>
        {
            int length = e.Shape.Aggregate(1, (a, d) => a * d);
            var p = new ParameterInfo(e.Name, offset, length, e.Shape, 0, 0, e.Trainable);
            offset += length;
            return p;
        }).ToList();
        return new NetworkDescription("fake", new Shape(3, 224, 224), 1000, [], parameters, []);
    }

    /// <summary>
    /// The zoo network with its generated parameters, once its tensors are known to be torchvision's: the weights
    /// are generated by name, so a misnamed tensor would silently get other values.
    /// </summary>
    private static (TorchvisionFixture Fixture, ICpuNetwork Net, double[] Parameters) Prepare(string name)
    {
        var fixture = TorchvisionFixture.Load(name);
        var net = Zoo.Create(name);
        fixture.AssertSameParameters(net.Description);
        int[] input = fixture.Input.Shape[1..];
        Assert.True(net.Layout.InputSize == input.Aggregate(1, (a, d) => a * d) && net.Layout.OutputSize == 1000,
            $"{name}: torchvision takes ({string.Join(",", input)}) images to 1000 classes; NetDsl's takes {net.Description.Input} to {net.Layout.OutputSize}.");
        var parameters = new double[net.Description.ParameterCount];
        DeterministicWeights.Fill<double>(net.Description, parameters);
        return (fixture, net, parameters);
    }

    /// <summary>Null when every logit is within tolerance; otherwise the worst and first few differences.</summary>
    private static string? CompareLogits(string what, float[] expected, double[] actual)
    {
        const int Classes = 1000;
        if (actual.Length % Classes != 0 || actual.Length > expected.Length)
            return $"{what}: expected {Classes} logits per sample for at most {expected.Length / Classes} samples, NetDsl produced {actual.Length}";
        double scale = expected.Take(actual.Length).Max(v => Math.Abs((double)v)), tolerance = Tolerance * scale;
        var bad = Enumerable.Range(0, actual.Length).Where(i => !(Math.Abs(actual[i] - expected[i]) <= tolerance)).ToList();
        if (bad.Count == 0) return null;
        string At(int i) => $"[sample {i / Classes}, class {i % Classes}] torchvision {expected[i]:G9}, NetDsl {actual[i]:G9}";
        int worst = bad.MaxBy(i => double.IsNaN(actual[i]) ? double.PositiveInfinity : Math.Abs(actual[i] - expected[i]));
        return $"{what}: {bad.Count} of {actual.Length} differ by more than {tolerance:G3} ({Tolerance:G1} of the largest, {scale:G4}); " +
               $"worst {At(worst)}; first {string.Join("; ", bad.Take(5).Select(At))}";
    }

    /// <summary>What torchvision does that a port most easily gets wrong, shown when the numbers differ.</summary>
    private static readonly Dictionary<string, string> Hints = new()
    {
        ["resnet18"] = "torchvision's resnet18: conv1 7x7/2 pad 3 (no bias) + bn1 + relu, maxpool 3/2 pad 1; BasicBlock = conv1 3x3 " +
                       "(stride here) + bn1 + relu, conv2 3x3 + bn2, plus identity or downsample (1x1/2 conv + BN), then relu; " +
                       "BatchNorm eps 1e-5, momentum 0.1, unbiased running variance; global average pool; fc 512->1000.",
        ["vgg11"] = "torchvision's vgg11 (config A, no BatchNorm): 3x3 pad 1 convs with bias + ReLU at features.0, 3, 6, 8, 11, 13, 16, 18; " +
                    "2x2/2 max pools after 0, 3, 8, 13, 18; AdaptiveAvgPool2d(7) is the identity at 224x224; flatten (C, H, W); " +
                    "classifier.0 25088->4096, ReLU, Dropout, classifier.3 4096->4096, ReLU, Dropout, classifier.6 ->1000.",
        ["alexnet"] = "torchvision's alexnet is the single-tower variant (no LRN, no groups): features.0 11x11/4 pad 2 ->64, " +
                      "maxpool 3/2, features.3 5x5 pad 2 ->192, maxpool 3/2, features.6/8/10 3x3 pad 1 ->384/256/256, maxpool 3/2 " +
                      "(6x6, so AdaptiveAvgPool2d(6) is the identity); Dropout before classifier.1 9216->4096 and classifier.4 " +
                      "4096->4096, classifier.6 ->1000.",
        ["googlenet"] = "torchvision's googlenet: BasicConv2d = conv without bias + BatchNorm eps 0.001 + ReLU; every max pool has " +
                        "ceil_mode=True (maxpool1-3 3/2, maxpool4 2/2, branch4 3/1 pad 1); branch3 is 1x1 then 3x3 (not the paper's " +
                        "5x5); concat order branch1..branch4; transform_input=False; dropout 0.2 before fc 1024->1000; the auxiliary heads " +
                        "aux1 (after inception4a) and aux2 (after inception4d) are trained only, so evaluation must not run them.",
    };
}

/// <summary>One state_dict entry of a fixture, with checksums of the generated values (none for num_batches_tracked).</summary>
internal sealed record StateDictEntry(string Name, int[] Shape, bool Trainable = false, long? Bits = null, double? Sum = null, double? SumSq = null);

/// <summary>A fixtures/torchvision_&lt;name&gt;.safetensors file and its metadata.</summary>
internal sealed class TorchvisionFixture
{
    /// <summary>
    /// Of the largest magnitude. torchvision's float64 results move by ~1e-12 under 1e-13 relative perturbations of
    /// the weights (checked when the fixtures were made), and the fixtures pass through the runtime's float32 reader
    /// (6e-8), so any real discrepancy is orders of magnitude larger. Not for float32 NetDsl runs: there, ReLUs
    /// that flip sign near zero move ResNet-18's training gradients by up to 3% of their largest value.
    /// </summary>
    public const double Tolerance = 1e-6;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private TorchvisionFixture(string network, SafeTensorsFile file)
    {
        Network = network;
        File = file;
        Torchvision = file.Metadata["torchvision"];
        StateDict = JsonSerializer.Deserialize<StateDictEntry[]>(file.Metadata["state_dict"], Json)!;
        Input = JsonSerializer.Deserialize<StateDictEntry>(file.Metadata["input"], Json)!;
    }

    public string Network { get; }
    public SafeTensorsFile File { get; }
    public string Torchvision { get; }
    /// <summary>Every state_dict entry, in torchvision's order.</summary>
    public IReadOnlyList<StateDictEntry> StateDict { get; }
    /// <summary>The input batch's shape and checksums.</summary>
    public StateDictEntry Input { get; }

    /// <summary>The entries NetDsl should have: torchvision's integer num_batches_tracked counters have no counterpart.</summary>
    public IEnumerable<StateDictEntry> Expected => StateDict.Where(e => !e.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal));

    public static TorchvisionFixture Load(string network) =>
        new(network, SafeTensors.Read(Path.Combine(AppContext.BaseDirectory, "fixtures", $"torchvision_{network}.safetensors")));

    /// <summary>
    /// Fails, listing every difference at once, unless NetDsl's parameters are exactly the state_dict's tensors (by name,
    /// shape and trainability; order is free). A missing name gets a "did you mean" from the extras of the same shape.
    /// </summary>
    public void AssertSameParameters(NetworkDescription network)
    {
        var expected = Expected.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var actual = network.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var missing = expected.Values.Where(e => !actual.ContainsKey(e.Name)).ToList();
        var extra = network.Parameters.Where(p => !expected.ContainsKey(p.Name)).ToList();
        var report = new StringBuilder();

        void Section<TItem>(string title, IReadOnlyCollection<TItem> items, Func<TItem, string> line)
        {
            if (items.Count == 0) return;
            report.Append($"\n  {title} ({items.Count}):");
            foreach (var item in items) report.Append("\n    ").Append(line(item));
        }

        Section("in torchvision, missing from NetDsl", missing, e =>
        {
            var guess = extra.Where(p => p.Dims.SequenceEqual(e.Shape)).MinBy(p => EditDistance(p.Name, e.Name));
            return $"{e.Name} {Dims(e.Shape)}" + (guess is null ? "" : $"   (NetDsl has {guess.Name} with this shape)");
        });
        Section("in NetDsl, not in torchvision", extra, p => $"{p.Name} {Dims(p.Dims)}");
        var common = expected.Values.Where(e => actual.ContainsKey(e.Name)).Select(e => (Torch: e, Ours: actual[e.Name])).ToList();
        Section("shape differs", common.Where(c => !c.Ours.Dims.SequenceEqual(c.Torch.Shape)).ToList(),
            c => $"{c.Torch.Name}: torchvision {Dims(c.Torch.Shape)}, NetDsl {Dims(c.Ours.Dims)}");
        Section("trainability differs", common.Where(c => c.Ours.Trainable != c.Torch.Trainable).ToList(),
            c => $"{c.Torch.Name}: torchvision {Kind(c.Torch.Trainable)}, NetDsl {Kind(c.Ours.Trainable)}");
        Section("NetDsl's Length is not the product of its Dims", network.Parameters.Where(p => p.Length != p.Dims.Aggregate(1L, (a, d) => a * d)).ToList(),
            p => $"{p.Name}: Length {p.Length}, Dims {Dims(p.Dims)}");
        if (report.Length == 0) return;

        long torchTrainable = Expected.Where(e => e.Trainable).Sum(e => Count(e.Shape)), torchBuffers = Expected.Where(e => !e.Trainable).Sum(e => Count(e.Shape));
        Assert.Fail($"{Network}: NetDsl's parameters differ from torchvision {Torchvision}'s state_dict " +
                    $"(fixtures/torchvision_{Network}.safetensors; num_batches_tracked excluded).{report}\n" +
                    $"  totals: torchvision {torchTrainable:N0} trainable + {torchBuffers:N0} buffer elements in {expected.Count} tensors; " +
                    $"NetDsl {network.TrainableParameterCount:N0} + {network.ParameterCount - network.TrainableParameterCount:N0} in {network.Parameters.Count}.");
    }

    /// <summary>
    /// Compares <paramref name="values"/> (the parameter buffer's layout) with the fixture's summaries under
    /// <paramref name="prefix"/> ("grad" or "after"): per tensor its sum, sum of squares, max |v| and 8 sampled values.
    /// Returns one line per tensor that differs.
    /// </summary>
    public List<string> CompareSummaries(string prefix, NetworkDescription network, ReadOnlySpan<double> values, string what)
    {
        var names = JsonSerializer.Deserialize<string[]>(File.Metadata[prefix])!;
        float[] stats = File[prefix + ".stats"].Data, indices = File[prefix + ".indices"].Data, sampled = File[prefix + ".values"].Data;
        int perTensor = indices.Length / names.Length;
        var byName = network.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        for (int k = 0; k < names.Length; k++)
        {
            var p = byName[names[k]];
            var v = values.Slice(p.Offset, p.Length);
            double sum = 0, sumSq = 0, max = 0;
            foreach (double x in v)
            {
                sum += x;
                sumSq += x * x;
                max = Math.Max(max, Math.Abs(x));
            }
            double eSum = stats[3 * k], eSumSq = stats[3 * k + 1], eMax = stats[3 * k + 2];
            double scale = Math.Max(eMax, double.Epsilon);
            var bad = new List<string>();
            // A sum can cancel, so its error is judged against what its terms could contribute: sqrt(n Σv²) ≥ Σ|v|;
            // squaring doubles relative errors.
            if (!(Math.Abs(sum - eSum) <= Tolerance * Math.Sqrt(p.Length * eSumSq))) bad.Add($"sum {sum:G9} vs {eSum:G9}");
            if (!(Math.Abs(sumSq - eSumSq) <= 2 * Tolerance * eSumSq)) bad.Add($"sum of squares {sumSq:G9} vs {eSumSq:G9}");
            if (!(Math.Abs(max - eMax) <= Tolerance * scale)) bad.Add($"max |.| {max:G9} vs {eMax:G9}");
            for (int j = 0; j < perTensor; j++)
            {
                int i = (int)indices[k * perTensor + j];
                double e = sampled[k * perTensor + j];
                if (!(Math.Abs(v[i] - e) <= Tolerance * scale)) bad.Add($"[{i}] {v[i]:G9} vs {e:G9}");
            }
            if (bad.Count > 0) problems.Add($"{what} {p.Name} {Dims(p.Dims)} (NetDsl vs torchvision): {string.Join(", ", bad)}");
        }
        return problems;
    }

    private static string Dims(IEnumerable<int> dims) => $"[{string.Join(", ", dims)}]";
    private static string Kind(bool trainable) => trainable ? "parameter" : "buffer";
    private static long Count(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);

    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int next = Math.Min(Math.Min(row[j], row[j - 1]) + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = row[j];
                row[j] = next;
            }
        }
        return row[b.Length];
    }
}
