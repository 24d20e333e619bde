namespace NetDsl.Runtime.Cuda;

/// <summary>
/// Launches may ask for up to 48 KB of dynamic shared memory; beyond that the kernel must first raise its
/// CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES. This decides when, so each kernel asks once (again only if a
/// later launch needs more), and launches within the default never touch the attribute.
/// </summary>
internal sealed class SharedMemoryOptIn(Action<string, int> raiseLimit)
{
    public const int DefaultLimit = 48 * 1024;

    private readonly Dictionary<string, int> _limits = new(StringComparer.Ordinal);

    public void Before(string kernel, uint sharedBytes)
    {
        if (sharedBytes <= DefaultLimit) return;
        if (_limits.TryGetValue(kernel, out int limit) && sharedBytes <= limit) return;
        raiseLimit(kernel, (int)sharedBytes);
        _limits[kernel] = (int)sharedBytes;
    }
}
