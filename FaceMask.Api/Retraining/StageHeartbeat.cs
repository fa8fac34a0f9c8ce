namespace FaceMask.Api.Retraining;

/// <summary>
/// Beats while a retrain stage runs: each beat records in the registry that the worker is alive
/// (so <c>GET /api/jobs/{id}</c> can tell a running stage from a dead one) and keeps its Hangfire
/// job invisible to other servers. When the registry says the retrain has ended (an operator
/// cancelled it, possibly on another replica), the stage is cancelled.
/// </summary>
public sealed class StageHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private StageHeartbeat(Func<Task<bool>> beat, Action ended, TimeSpan interval, ILogger logger) =>
        loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                try
                {
                    if (!await beat())
                    {
                        ended();
                        return;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not record a stage heartbeat; trying again at the next one");
                }
            }
        });

    /// <param name="beat">Records one beat; false when the retrain has ended and the stage should stop.</param>
    /// <param name="ended">Called once when <paramref name="beat"/> says the retrain has ended.</param>
    public static StageHeartbeat Start(Func<Task<bool>> beat, Action ended, TimeSpan interval, ILogger logger) => new(beat, ended, interval, logger);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for the next beat.
        }

        stop.Dispose();
    }
}
