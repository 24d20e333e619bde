namespace NetDsl.Runtime.Cuda;

/// <summary>Everything outside the source that decides what NVRTC produces and whether the driver can load it.</summary>
public readonly record struct KernelTarget(ComputeCapability Device, CudaVersion Driver, CudaVersion Nvrtc)
{
    /// <summary>The target for <paramref name="device"/> with the loaded NVRTC (loading it if need be).</summary>
    public static KernelTarget For(CudaDevice device) => new(device.ComputeCapability, device.DriverVersion, Cuda.Nvrtc.Version);
}
