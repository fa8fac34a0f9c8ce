using FaceMask.Training.Models;

namespace FaceMask.Api.Inference;

/// <summary>A request's hold on one model; the model stays usable until the lease is disposed.</summary>
public sealed class ModelLease : IDisposable
{
    private ModelHost.ServingModel? serving;

    internal ModelLease(ModelHost.ServingModel serving) => this.serving = serving;

    public OnnxModel Model => serving?.Model ?? throw new ObjectDisposedException(nameof(ModelLease));

    public void Dispose() => Interlocked.Exchange(ref serving, null)?.Release();
}
