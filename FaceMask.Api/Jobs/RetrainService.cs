using System.Text.Json;
using System.Text.RegularExpressions;
using FaceMask.Api.Registry;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;

namespace FaceMask.Api.Jobs;

/// <summary>The Hangfire job ids of one retrain's stages.</summary>
public sealed record RetrainJobIds(string Split, string Train, string Evaluate, string Promote);

/// <summary>
/// Starts retrains: records one in the registry (a second request while one runs gets the running
/// one back) and enqueues its four stages as a chain of Hangfire continuations.
/// </summary>
public sealed partial class RetrainService(IModelRegistry registry, IBackgroundJobClient jobs, TimeProvider time)
{
    public async Task<(RetrainRecord Retrain, bool Created)> StartAsync(CancellationToken cancellationToken)
    {
        var retrain = new RetrainRecord(Guid.NewGuid(), RetrainState.Enqueued, "queued", null, await NextVersionAsync(cancellationToken),
            time.GetUtcNow(), null, null, null, null, null, null);
        var (running, created) = await registry.StartRetrainAsync(retrain, cancellationToken);
        if (!created)
        {
            return (running, false);
        }

        var id = retrain.Id;
        var split = jobs.Enqueue<RetrainJobs>(j => j.SplitAsync(id, CancellationToken.None));
        var train = jobs.ContinueJobWith<RetrainJobs>(split, j => j.TrainAsync(id, CancellationToken.None));
        var evaluate = jobs.ContinueJobWith<RetrainJobs>(train, j => j.EvaluateAsync(id, CancellationToken.None));
        var promote = jobs.ContinueJobWith<RetrainJobs>(evaluate, j => j.PromoteAsync(id, CancellationToken.None));
        var jobIds = JsonSerializer.Serialize(new RetrainJobIds(split, train, evaluate, promote));
        await registry.SetRetrainJobIdsAsync(id, jobIds, cancellationToken);
        return (retrain with { JobIds = jobIds }, true);
    }

    /// <summary>facemask-v{n+1}, where n is the highest number among registered facemask-v{n} versions.</summary>
    private async Task<string> NextVersionAsync(CancellationToken cancellationToken)
    {
        var highest = (await registry.ListAsync(cancellationToken))
            .Select(m => VersionNumber().Match(m.Version))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Max();
        return $"facemask-v{highest + 1}";
    }

    [GeneratedRegex(@"^facemask-v(\d+)$")]
    private static partial Regex VersionNumber();
}

/// <summary>
/// Marks a retrain Failed when one of its stage jobs fails for good (its continuations then never
/// run). Hangfire's filters are process-wide, so the filter acts only on retrains its own registry knows.
/// </summary>
public sealed class RetrainFailureFilter(IModelRegistry registry, TimeProvider time, ILogger<RetrainFailureFilter> logger) : IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        if (context.NewState is not FailedState failed || context.BackgroundJob.Job?.Type != typeof(RetrainJobs) || context.BackgroundJob.Job.Args[0] is not Guid id)
        {
            return;
        }

        try
        {
            var retrain = registry.GetRetrainAsync(id).GetAwaiter().GetResult();
            if (retrain is not null)
            {
                registry.UpdateRetrainAsync(retrain with
                {
                    State = RetrainState.Failed,
                    Finished = time.GetUtcNow(),
                    Error = $"{retrain.Stage} failed: {failed.Exception.Message}",
                }).GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or Npgsql.NpgsqlException or SQLite.SQLiteException)
        {
            logger.LogDebug(e, "Retrain {Id} belongs to another registry", id);
        }
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }
}
