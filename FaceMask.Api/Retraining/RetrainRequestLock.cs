namespace FaceMask.Api.Retraining;

/// <summary>
/// One retrain request at a time between its first check and its retrain being recorded: a second
/// request that carries files while the first is still checking the data is refused at once
/// (adding nothing), and one without files waits and then sees the running retrain.
/// </summary>
public sealed class RetrainRequestLock : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Takes the lock without waiting; null when another request holds it.</summary>
    public IDisposable? TryEnter() => gate.Wait(0) ? new Releaser(gate) : null;

    /// <summary>Waits for the lock.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    public void Dispose() => gate.Dispose();

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
