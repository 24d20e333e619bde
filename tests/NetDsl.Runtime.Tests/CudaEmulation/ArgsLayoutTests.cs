using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetDsl.Testing.CudaEmulation;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.CudaEmulation;

public sealed class ArgsLayoutTests
{
    [Fact]
    public void NetDslArgs_matches_the_compiled_NetDslArgs()
    {
        // C names are the C# names in camelCase; a field missing on either side fails the compile or the size.
        var fields = typeof(NetDslArgs).GetFields(BindingFlags.Instance | BindingFlags.Public).OrderBy(f => f.MetadataToken).ToArray();
        string Member(FieldInfo f) => char.ToLowerInvariant(f.Name[0]) + f.Name[1..];
        string probe = "#include <cstddef>\n#include \"netdsl_abi.cuh\"\n"
            + "extern \"C\" __attribute__((visibility(\"default\"))) void layout(unsigned long long* out)\n{\n"
            + "    out[0] = sizeof(NetDslArgs);\n"
            + string.Concat(fields.Select((f, i) =>
                $"    out[{2 * i + 1}] = offsetof(NetDslArgs, {Member(f)}); out[{2 * i + 2}] = sizeof(NetDslArgs::{Member(f)});\n"))
            + "}\n";
        using var module = EmulatedCudaModule.Compile(probe);
        var reported = new ulong[1 + 2 * fields.Length];
        module.Call("layout", reported);

        var expected = new List<ulong> { (ulong)Unsafe.SizeOf<NetDslArgs>() };
        foreach (var field in fields)
            expected.AddRange([(ulong)Marshal.OffsetOf<NetDslArgs>(field.Name), (ulong)Marshal.SizeOf(field.FieldType)]);
        Assert.Equal(expected, reported);
        Assert.Equal(112ul, reported[0]);  // nine pointers, the 64-bit seed, eight 32-bit fields
    }
}
