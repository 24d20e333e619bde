using System.Reflection;
using System.Runtime.Loader;
using NetDsl.Runtime;

namespace NetDsl.Cli.Kernels;

/// <summary>
/// The networks of a user's built assembly: every class implementing <see cref="IGpuNetwork"/> with a public
/// parameterless constructor. The assembly loads in its own context with its own dependencies, except NetDsl's, which
/// come from the CLI so that its networks implement the CLI's <see cref="IGpuNetwork"/>.
/// </summary>
internal static class NetworkAssembly
{
    static readonly string[] Shared = ["NetDsl", "NetDsl.Runtime"];

    public static IReadOnlyList<KernelsTarget> Load(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"No assembly at {full}.", full);
        var assembly = new IsolatedContext(full).LoadFromAssemblyPath(full);
        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types; // The loadable ones; a network needs nothing the others lack.
        }
        return types.OfType<Type>()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && typeof(IGpuNetwork).IsAssignableFrom(t)
                        && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => KernelsTarget.From((IGpuNetwork)Activator.CreateInstance(t)!, name: null))
            .ToArray();
    }

    sealed class IsolatedContext(string path) : AssemblyLoadContext($"netdsl kernels {Path.GetFileName(path)}")
    {
        readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName name) =>
            Shared.Contains(name.Name) || _resolver.ResolveAssemblyToPath(name) is not { } file
                ? null   // the CLI's copy (NetDsl's own assemblies and the framework)
                : LoadFromAssemblyPath(file);
    }
}
