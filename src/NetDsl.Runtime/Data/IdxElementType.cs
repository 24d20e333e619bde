namespace NetDsl.Runtime.Data;

/// <summary>Element type of an IDX array; the value is the type code in the file's magic number.</summary>
public enum IdxElementType : byte
{
    UInt8 = 0x08,
    Int8 = 0x09,
    Int16 = 0x0B,
    Int32 = 0x0C,
    Float32 = 0x0D,
    Float64 = 0x0E,
}

public static class IdxElementTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this IdxElementType type) => type switch
    {
        IdxElementType.UInt8 or IdxElementType.Int8 => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Float32 => 4,
        IdxElementType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };

    /// <summary>The name the IDX format description uses ("ubyte", "int32", ...), for messages.</summary>
    public static string DisplayName(this IdxElementType type) => type switch
    {
        IdxElementType.UInt8 => "ubyte",
        IdxElementType.Int8 => "sbyte",
        IdxElementType.Int16 => "int16",
        IdxElementType.Int32 => "int32",
        IdxElementType.Float32 => "float32",
        IdxElementType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };
}
