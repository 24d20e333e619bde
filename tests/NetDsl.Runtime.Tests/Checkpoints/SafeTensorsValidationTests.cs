using System.Text;
using NetDsl.Runtime.Checkpoints;
using static NetDsl.Runtime.Tests.Checkpoints.SafeTensorsBytes;

namespace NetDsl.Runtime.Tests.Checkpoints;

public sealed class SafeTensorsValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private SafeTensorsFormatException Reject(byte[] contents, out string path)
    {
        path = _dir.Write("model.safetensors", contents);
        string file = path;
        return Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(file));
    }

    [Theory]
    // The header as a whole
    [InlineData("""[1,2]""", 0, "expected the header to be a JSON object, found the array [1,2]")]
    [InlineData("""{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}""", 8, "the header names 'a' twice")]
    [InlineData("""{"__metadata__":"pt"}""", 0, "expected \"__metadata__\" to be an object mapping strings to strings, found the string \"pt\"")]
    [InlineData("""{"__metadata__":{"epoch":3}}""", 0, "expected \"__metadata__\" to be an object mapping strings to strings, found the number 3 for 'epoch'")]
    [InlineData("""{"__metadata__":{"k":"a","k":"b"}}""", 0, "\"__metadata__\" names 'k' twice")]
    // One tensor's entry
    [InlineData("""{"a":[1]}""", 0, "tensor 'a': expected an object with \"dtype\", \"shape\" and \"data_offsets\", found the array [1]")]
    [InlineData("""{"a":{"shape":[1],"data_offsets":[0,4]}}""", 4, "tensor 'a': \"dtype\" is missing")]
    [InlineData("""{"a":{"dtype":"F32","data_offsets":[0,4]}}""", 4, "tensor 'a': \"shape\" is missing")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1]}}""", 4, "tensor 'a': \"data_offsets\" is missing")]
    [InlineData("""{"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}""", 4, "tensor 'a': names \"dtype\" twice")]
    [InlineData("""{"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}""", 4, "tensor 'a': expected \"dtype\" to be a string, found the number 4")]
    [InlineData("""{"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}""", 1, "tensor 'a': expected dtype F32, F64, F16, BF16, I32 or I64, found BOOL, which this reader does not convert to float")]
    [InlineData("""{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}""", 4, "tensor 'a': expected dtype F32, F64, F16, BF16, I32 or I64, found f32, which this reader does not convert to float")]
    [InlineData("""{"a":{"dtype":"F32","shape":4,"data_offsets":[0,16]}}""", 16, "tensor 'a': expected \"shape\" to be an array of sizes from 0 to 2,147,483,647, found the number 4")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,8]}}""", 8, "tensor 'a': expected \"shape\" to be an array of sizes from 0 to 2,147,483,647, found the number -1 in [2,-1]")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}""", 8, "tensor 'a': expected \"shape\" to be an array of sizes from 0 to 2,147,483,647, found the number 2.5 in [2.5]")]
    [InlineData("""{"a":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}""", 8, "tensor 'a': expected \"shape\" to be an array of sizes from 0 to 2,147,483,647, found the string \"2\" in [\"2\"]")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2147483648],"data_offsets":[0,8]}}""", 8, "tensor 'a': expected \"shape\" to be an array of sizes from 0 to 2,147,483,647, found the number 2147483648 in [2147483648]")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""", 4, "tensor 'a': expected \"data_offsets\" to be [begin, end], two non-negative integers, found the array [0]")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", 4, "tensor 'a': expected \"data_offsets\" to be [begin, end], two non-negative integers, found the array [-4,0]")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":{"begin":0}}}""", 4, "tensor 'a': expected \"data_offsets\" to be [begin, end], two non-negative integers, found an object")]
    // Offsets against shape, dtype and buffer
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", 8, "tensor 'a': data_offsets [8, 4] end before they begin")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4, "tensor 'a': data_offsets [0, 8] extend past the end of the 4-byte data buffer")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 20, "tensor 'a': expected data_offsets [0, 20] to span 24 bytes (6 F32 elements of shape [2, 3]), found 20")]
    [InlineData("""{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}}""", 4, "tensor 'a': expected data_offsets [0, 4] to span 6 bytes (3 F16 elements of shape [3]), found 4")]
    [InlineData("""{"a":{"dtype":"F64","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}""", 8, "tensor 'a': expected data_offsets [0, 8] to span 79,228,162,403,583,873,202,826,248,184 bytes (9,903,520,300,447,984,150,353,281,023 F64 elements of shape [2147483647, 2147483647, 2147483647]), found 8")]
    // Tiling of the data buffer
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "tensor 'a': expected the first tensor to start at 0, found data_offsets [4, 8], which leaves 4 bytes of the data buffer unused")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12, "tensor 'b': expected it to start where tensor 'a' ends, at 4, found data_offsets [8, 12], which leaves 4 bytes of the data buffer unused")]
    [InlineData("""{"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 12, "tensor 'b': data_offsets [4, 12] overlap tensor 'a' at [0, 8]")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, "expected the tensors to cover the 8-byte data buffer, but the last tensor, 'a', ends at 4; 4 bytes are unused")]
    [InlineData("""{}""", 4, "expected the tensors to cover the 4-byte data buffer, but the header lists no tensors; 4 bytes are unused")]
    public void Malformed_headers_are_rejected_naming_the_file_the_tensor_and_the_problem(string header, int bufferLength, string problem)
    {
        var e = Reject(File(header, new byte[bufferLength]), out string path);

        Assert.Equal($"{path}: {problem}", e.Message);
        Assert.Equal(path, e.FilePath);
        Assert.Equal(problem.StartsWith("tensor '", StringComparison.Ordinal) ? problem[8..problem.IndexOf('\'', 8)] : null, e.TensorName);
    }

    [Fact]
    public void A_file_cut_short_is_caught_by_the_last_tensor_running_past_the_end()
    {
        byte[] contents = File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", F32(1f, 2f, 3f));

        var e = Reject(contents[..^4], out string path);

        Assert.Equal($"{path}: tensor 'b': data_offsets [4, 12] extend past the end of the 8-byte data buffer", e.Message);
    }

    [Fact]
    public void A_file_shorter_than_the_header_length_field_is_rejected()
    {
        var e = Reject([1, 0, 0, 0, 0], out string path);

        Assert.Equal($"{path}: expected at least the 8-byte header length, found a 5-byte file", e.Message);
    }

    [Fact]
    public void A_header_length_above_the_cap_is_rejected_before_reading_it()
    {
        var e = Reject([.. UInt64(100_000_001), .. "{}"u8], out string path);

        Assert.Equal($"{path}: expected a header of at most 100,000,000 bytes, found a header length of 100,000,001; this is not a safetensors file, or it is corrupt", e.Message);
    }

    [Fact]
    public void A_header_length_beyond_the_end_of_the_file_is_rejected()
    {
        var e = Reject([.. UInt64(64), .. "{\"a\":1}   "u8], out string path);

        Assert.Equal($"{path}: expected a 64-byte header after the 8-byte length, found only 10 bytes; the file is truncated", e.Message);
    }

    [Fact]
    public void A_header_that_is_not_utf8_is_rejected()
    {
        var e = Reject([.. UInt64(8), .. Encoding.ASCII.GetBytes("{\"a"), 0xFF, .. Encoding.ASCII.GetBytes("\":{}}")], out string path);

        Assert.Equal($"{path}: the header is not valid UTF-8", e.Message);
    }

    [Fact]
    public void A_header_that_is_not_json_is_rejected_with_the_parser_position()
    {
        var e = Reject(File("""{"a":{"dtype":"F32",}}""", []), out string path);

        Assert.StartsWith($"{path}: the header is not valid JSON (", e.Message);
        Assert.Contains("trailing comma", e.Message);
        Assert.Contains("BytePositionInLine: 20", e.Message);
    }
}
