using NetDsl.Runtime;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Cli.Commands;

/// <summary>
/// The GPU and a network's compiled program on it, for <c>--device cuda</c>. Without a GPU, opening the device throws
/// <see cref="CudaUnavailableException"/>, which the commands report in one line.
/// </summary>
internal sealed class GpuSession : IDisposable
{
    private readonly CudaDevice _device;

    private GpuSession(CudaDevice device, IKernelBackend backend) => (_device, Backend) = (device, backend);

    public IKernelBackend Backend { get; }

    public string Description => $"{_device.Name} ({_device.ComputeCapability.RealArchitecture})";

    public static GpuSession Open(ICpuNetwork network)
    {
        var device = CudaDevice.Open();
        try
        {
            return new GpuSession(device, new CudaKernelBackend(device, ((IGpuNetwork)network).GpuProgram, network.Description.Name));
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Backend.Dispose();
        _device.Dispose();
    }
}
