using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

/// <summary>The bindings pass these types to C by value or by pointer, so their sizes and layouts must be C's.</summary>
public sealed partial class BindingLayoutTests
{
    [Fact]
    public void Handles_have_the_size_of_the_c_types_they_wrap()
    {
        Assert.Equal(sizeof(int), Unsafe.SizeOf<CUdevice>());       // typedef int CUdevice
        Assert.Equal(8, Unsafe.SizeOf<CUdeviceptr>());               // unsigned long long on 64-bit
        Assert.Equal(nint.Size, Unsafe.SizeOf<CUcontext>());         // struct CUctx_st *
        Assert.Equal(nint.Size, Unsafe.SizeOf<CUmodule>());
        Assert.Equal(nint.Size, Unsafe.SizeOf<CUfunction>());
        Assert.Equal(nint.Size, Unsafe.SizeOf<CUstream>());
        Assert.Equal(nint.Size, Unsafe.SizeOf<CUevent>());
        Assert.Equal(nint.Size, Unsafe.SizeOf<CUgraph>());
        Assert.Equal(nint.Size, Unsafe.SizeOf<CUgraphExec>());
        Assert.Equal(nint.Size, Unsafe.SizeOf<nvrtcProgram>());
    }

    [Fact]
    public void Enums_have_the_size_of_their_c_parameters()
    {
        Assert.Equal(4, Unsafe.SizeOf<CUresult>());
        Assert.Equal(4, Unsafe.SizeOf<nvrtcResult>());
        Assert.Equal(4, Unsafe.SizeOf<CUdevice_attribute>());
        Assert.Equal(4, Unsafe.SizeOf<CUjit_option>());
        Assert.Equal(4, Unsafe.SizeOf<CUstream_flags>());          // unsigned int Flags
        Assert.Equal(4, Unsafe.SizeOf<CUevent_flags>());
        Assert.Equal(4, Unsafe.SizeOf<CUmemhostalloc_flags>());
        Assert.Equal(4, Unsafe.SizeOf<CUstreamCaptureMode>());
        Assert.Equal(8, Unsafe.SizeOf<CUgraphInstantiate_flags>()); // unsigned long long flags
    }

    [Fact]
    public void Values_the_runtime_depends_on_are_cuda_hs()
    {
        Assert.Equal(34, (int)CUresult.CUDA_ERROR_STUB_LIBRARY);
        Assert.Equal(100, (int)CUresult.CUDA_ERROR_NO_DEVICE);
        Assert.Equal(222, (int)CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION);
        Assert.Equal(500, (int)CUresult.CUDA_ERROR_NOT_FOUND);
        Assert.Equal(75, (int)CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        Assert.Equal(76, (int)CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        Assert.Equal(5, (int)CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
        Assert.Equal(6, (int)CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
        Assert.Equal(1, (int)CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        Assert.Equal(6, (int)nvrtcResult.NVRTC_ERROR_COMPILATION);
    }

    [Fact]
    public void Device_pointers_offset_by_bytes()
    {
        Assert.Equal(new CUdeviceptr(0x7f0000000100), new CUdeviceptr(0x7f0000000000) + 0x100);
        Assert.Equal("0x7f0000000000", new CUdeviceptr(0x7f0000000000).ToString());
    }

    [Fact]
    public void NetDslArgs_matches_the_kernel_abi_header_field_for_field()
    {
        var cFields = HeaderFields();
        var csFields = typeof(NetDslArgs).GetFields(BindingFlags.Public | BindingFlags.Instance);

        Assert.Equal(cFields.Count, csFields.Length);
        long cOffset = 0;
        int cAlignment = 1;
        foreach (var (cType, cName) in cFields)
        {
            var (size, csType) = cType switch
            {
                "float*" or "int*" or "NetDslStep*" => (8, typeof(CUdeviceptr)),
                "int" => (4, typeof(int)),
                "float" => (4, typeof(float)),
                "unsigned long long" => (8, typeof(ulong)),
                "long long[NETDSL_LAUNCH_VALUES]" => (8 * LaunchValues.Capacity, typeof(LaunchValues)),
                _ => throw new InvalidOperationException($"NetDslArgs.{cName} has type {cType}, which this test does not map yet."),
            };
            int alignment = Math.Min(size, 8);
            cOffset = (cOffset + alignment - 1) / alignment * alignment; // C aligns each scalar to its size.
            cAlignment = Math.Max(cAlignment, alignment);
            var field = Assert.Single(csFields, f => string.Equals(f.Name, cName, StringComparison.OrdinalIgnoreCase));
            Assert.Equal(csType, field.FieldType);
            Assert.Equal(cOffset, OffsetOf(field));
            cOffset += size;
        }
        long cSize = (cOffset + cAlignment - 1) / cAlignment * cAlignment;
        Assert.Equal(cSize, Unsafe.SizeOf<NetDslArgs>());
        Assert.Equal(144 + 8 * LaunchValues.Capacity, cSize);
    }

    /// <summary>Where a field really sits: set it to a marker in a zeroed struct and find the marker's bytes.</summary>
    static long OffsetOf(FieldInfo field)
    {
        object boxed = default(NetDslArgs);
        object marker = field.FieldType == typeof(int) ? 0x11223344
            : field.FieldType == typeof(float) ? BitConverter.Int32BitsToSingle(0x11223344)
            : field.FieldType == typeof(ulong) ? 0x1122334455667788UL
            : field.FieldType == typeof(LaunchValues) ? FirstValue(0x1122334455667788)
            : new CUdeviceptr(0x1122334455667788);
        field.SetValue(boxed, marker);
        var bytes = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Unbox<NetDslArgs>(boxed), 1));
        bool narrow = field.FieldType == typeof(int) || field.FieldType == typeof(float);
        return bytes.IndexOf(narrow ? BitConverter.GetBytes(0x11223344) : BitConverter.GetBytes(0x1122334455667788UL));
    }

    static LaunchValues FirstValue(long value)
    {
        var values = new LaunchValues();
        values[0] = value;
        return values;
    }

    /// <summary>(type, name) of each field of struct NetDslArgs in the header, in order.</summary>
    static List<(string Type, string Name)> HeaderFields()
    {
        string header = File.ReadAllText(FindHeader());
        Assert.Matches($@"#define NETDSL_LAUNCH_VALUES {LaunchValues.Capacity}\b", header);
        var body = StructBody().Match(header);
        Assert.True(body.Success, "struct NetDslArgs not found in netdsl_abi.cuh");
        var fields = new List<(string, string)>();
        foreach (string line in body.Groups[1].Value.Split('\n'))
        {
            string code = line.Split("//")[0].Trim();
            if (code.Length == 0) continue;
            var field = Field().Match(code);
            Assert.True(field.Success, $"Unparsed NetDslArgs line: {code}");
            fields.Add((Regex.Replace(field.Groups[1].Value, @"\s+", " ").Replace(" *", "*").Trim() + field.Groups[3].Value, field.Groups[2].Value));
        }
        return fields;
    }

    static string FindHeader()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "src", "NetDsl.Runtime", "Cuda", "Kernels", "netdsl_abi.cuh");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("netdsl_abi.cuh not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"struct\s+NetDslArgs\s*\{(.*?)\};", RegexOptions.Singleline)]
    private static partial Regex StructBody();

    [GeneratedRegex(@"^(?:const\s+)?([A-Za-z_][\w\s]*?\s*\*?)\s*(\w+)\s*(\[\w+\])?\s*;$")]
    private static partial Regex Field();
}
