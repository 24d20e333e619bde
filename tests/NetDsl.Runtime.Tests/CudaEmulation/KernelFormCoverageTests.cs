using NetDsl.Networks;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The emulated training steps of <see cref="EmulatedNetworks"/> stand for the whole zoo: every kernel form a zoo
/// network's CUDA uses (a netdsl:: function with its flag and variant template arguments, <see cref="KernelForms"/>)
/// must run in one of them. Sizes do not make forms, so a 224×224 network is proven by a 16×16 one with its forms;
/// that each zoo program compiles is proven separately (g++ in <see cref="ZooCudaCompilesTests"/>, and NVRTC).
/// </summary>
public class KernelFormCoverageTests
{
    [Fact]
    public void Every_zoo_kernel_form_runs_in_an_emulated_training_step()
    {
        var emulated = EmulatedNetworks.ByName.Values.SelectMany(n => KernelForms.Shipped.Of(n.Program.Source)).ToHashSet();
        var zoo = Zoo.Names.Select(name => (Name: name, Forms: KernelForms.Shipped.Of(((IGpuNetwork)Zoo.Create(name)).GpuProgram.Source)));
        var uncovered = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var network in zoo)
        {
            Assert.NotEmpty(network.Forms);   // an extraction that found nothing would prove nothing
            foreach (string form in network.Forms.Where(f => !emulated.Contains(f)))
                (uncovered.TryGetValue(form, out var users) ? users : uncovered[form] = []).Add(network.Name);
        }

        Assert.True(uncovered.Count == 0,
            "Kernel forms that no emulated training step runs (add a small network using them to EmulatedNetworks):\n" +
            string.Join("\n", uncovered.Select(u => $"{u.Key}, used by {string.Join(", ", u.Value)}")));
    }
}
