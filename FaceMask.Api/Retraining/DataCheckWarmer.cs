using System.Diagnostics;
using FaceMask.Api.Datasets;

namespace FaceMask.Api.Retraining;

/// <summary>
/// Runs a retrain's data check in the background when the service starts and after every upload,
/// so the near-duplicate grouping it needs (about 20 s for the public dataset) is remembered before
/// anyone asks: a retrain request on that data then answers at once. A request that brings new
/// files still groups them itself.
/// </summary>
public sealed class DataCheckWarmer(RetrainPreflight preflight, DatasetStore store, ILogger<DataCheckWarmer> logger) : BackgroundService
{
    /// <summary>Uploads often come in bursts: wait for a quiet moment before grouping.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim pending = new(0, 1);
    private int completed;

    /// <summary>Checks finished so far (for tests and logs).</summary>
    public int Completed => Volatile.Read(ref completed);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        store.Changed += Request;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Settle, stoppingToken);
                await WarmAsync(stoppingToken);
                await pending.WaitAsync(stoppingToken); // the next upload
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            store.Changed -= Request;
        }
    }

    private void Request()
    {
        try
        {
            pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // A check is already due.
        }
    }

    private async Task WarmAsync(CancellationToken stoppingToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var readiness = await Task.Run(() => preflight.Check([], newClassSet: false, DataCheckOrigin.Background, stoppingToken), stoppingToken);
            logger.LogInformation("Checked the data ahead of the next retrain in {Seconds:0.0} s: {Outcome}",
                watch.Elapsed.TotalSeconds, readiness.Refusal is { } refusal ? $"a retrain would be refused ({refusal.Code})" : "ready to retrain");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not check the data ahead of the next retrain; a retrain request will check it itself");
        }

        Interlocked.Increment(ref completed);
    }
}
