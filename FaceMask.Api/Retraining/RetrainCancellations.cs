using System.Collections.Concurrent;

namespace FaceMask.Api.Retraining;

/// <summary>
/// The cancellation sources of the retrain stages running on this replica, so a cancel request
/// answered here stops its stage at once (other replicas notice through the registry within a heartbeat).
/// </summary>
public sealed class RetrainCancellations
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();

    /// <summary>A source for a stage of <paramref name="retrainId"/>, cancelled with <paramref name="outer"/> too; dispose it when the stage ends.</summary>
    public Registration Register(Guid retrainId, CancellationToken outer)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        running[retrainId] = source;
        return new Registration(this, retrainId, source);
    }

    /// <summary>Cancels the stage of <paramref name="retrainId"/> if it runs here.</summary>
    public void Cancel(Guid retrainId)
    {
        if (running.TryGetValue(retrainId, out var source))
        {
            source.Cancel();
        }
    }

    public sealed class Registration(RetrainCancellations owner, Guid retrainId, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Cancel() => source.Cancel();

        public void Dispose()
        {
            owner.running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(retrainId, source));
            source.Dispose();
        }
    }
}
