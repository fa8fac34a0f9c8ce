using FaceMask.Training.Models;

namespace FaceMask.Api.Inference;

/// <summary>
/// Holds the model being served and swaps it without disturbing requests in flight: each request
/// takes a lease on the model it started with, and a replaced model is disposed only when its
/// last lease ends.
/// </summary>
public sealed class ModelHost : IDisposable
{
    private ServingModel? current;
    private volatile string waitingFor = "the service is starting: reading the model registry";

    public bool IsReady => Volatile.Read(ref current) is not null;

    /// <summary>Why no model is served yet, in words for an operator (readiness shows it); the last obstacle met.</summary>
    public string NotReadyReason => waitingFor;

    /// <summary>Records what stops the first model loading (the registry unreachable, the model unreadable).</summary>
    public void WaitingFor(string reason) => waitingFor = reason;

    /// <summary>The active model's metadata, or null before the first model is loaded.</summary>
    public OnnxModel? Current => Volatile.Read(ref current)?.Model;

    /// <summary>Takes a lease on the active model; null when no model is loaded yet. Dispose the lease when done.</summary>
    public ModelLease? Acquire()
    {
        while (true)
        {
            var serving = Volatile.Read(ref current);
            if (serving is null)
            {
                return null;
            }

            if (serving.TryAcquire())
            {
                return new ModelLease(serving);
            }

            // Retired between the read and the acquire: the next read sees its successor.
        }
    }

    /// <summary>Makes <paramref name="model"/> the active model; the previous one is disposed once its requests finish.</summary>
    public void Activate(OnnxModel model)
    {
        var previous = Interlocked.Exchange(ref current, new ServingModel(model));
        previous?.Release();
    }

    public void Dispose() => Interlocked.Exchange(ref current, null)?.Release();

    /// <summary>A model with a count of its users; the host holds one reference while it is active.</summary>
    internal sealed class ServingModel(OnnxModel model)
    {
        private int references = 1;

        public OnnxModel Model { get; } = model;

        public bool TryAcquire()
        {
            while (true)
            {
                var seen = Volatile.Read(ref references);
                if (seen == 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref references, seen + 1, seen) == seen)
                {
                    return true;
                }
            }
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref references) == 0)
            {
                Model.Dispose();
            }
        }
    }
}

