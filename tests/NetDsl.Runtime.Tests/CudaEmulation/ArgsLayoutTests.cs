using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

public sealed class ArgsLayoutTests
{
    [Fact]
    public void NetDslArgs_matches_the_compiled_NetDslArgs() =>
        AssertSameLayout<NetDslArgs>(144 + 8 * LaunchValues.Capacity);  // twelve pointers, ten 32-bit fields, the launch's values

    [Fact]
    public void NetDslStep_matches_the_compiled_NetDslStep() =>
        AssertSameLayout<NetDslStep>(24);   // the 64-bit seed, four floats

    /// <summary>The C# struct and the header's struct of the same name: size, and every field's offset and size.</summary>
    private static void AssertSameLayout<T>(ulong size) where T : struct
    {
        // C names are the C# names in camelCase; a field missing on either side fails the compile or the size.
        string type = typeof(T).Name;
        var fields = typeof(T).GetFields(BindingFlags.Instance | BindingFlags.Public).OrderBy(f => f.MetadataToken).ToArray();
        string Member(FieldInfo f) => char.ToLowerInvariant(f.Name[0]) + f.Name[1..];
        string probe = "#include <cstddef>\n#include \"netdsl_abi.cuh\"\n"
            + "extern \"C\" __attribute__((visibility(\"default\"))) void layout(unsigned long long* out)\n{\n"
            + $"    out[0] = sizeof({type});\n"
            + string.Concat(fields.Select((f, i) =>
                $"    out[{2 * i + 1}] = offsetof({type}, {Member(f)}); out[{2 * i + 2}] = sizeof({type}::{Member(f)});\n"))
            + "}\n";
        using var module = EmulatedCudaModule.Compile(probe);
        var reported = new ulong[1 + 2 * fields.Length];
        module.Call("layout", reported);

        var expected = new List<ulong> { (ulong)Unsafe.SizeOf<T>() };
        foreach (var field in fields)
            expected.AddRange([(ulong)Marshal.OffsetOf<T>(field.Name), (ulong)Marshal.SizeOf(field.FieldType)]);
        Assert.Equal(expected, reported);
        Assert.Equal(size, reported[0]);
    }
}
