using System.Text.RegularExpressions;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using Hangfire;

namespace FaceMask.Api.Retraining;

/// <summary>
/// Starts and cancels retrains: records one in the registry (a second request while one runs gets
/// the running one back) and enqueues its four stages as a chain of Hangfire continuations.
/// </summary>
public sealed partial class RetrainService(IModelRegistry registry, IBackgroundJobClient jobs, RetrainCancellations cancellations, ServicePaths paths, TimeProvider time)
{
    /// <summary>The retrain that is enqueued or processing, if any.</summary>
    public async Task<RetrainRecord?> RunningAsync(CancellationToken cancellationToken) =>
        (await registry.ListRetrainsAsync(cancellationToken)).FirstOrDefault(r => r.IsRunning);

    public async Task<(RetrainRecord Retrain, bool Created)> StartAsync(CancellationToken cancellationToken)
    {
        var retrain = new RetrainRecord(Guid.NewGuid(), RetrainState.Enqueued, RetrainStage.Queued, null, await NextVersionAsync(cancellationToken),
            time.GetUtcNow(), null, null, null, null, null, null);
        var (running, created) = await registry.StartRetrainAsync(retrain, cancellationToken);
        if (!created)
        {
            return (running, false);
        }

        var id = retrain.Id;
        var split = jobs.Enqueue<RetrainJobs>(j => j.SplitAsync(id, null, CancellationToken.None));
        var train = jobs.ContinueJobWith<RetrainJobs>(split, j => j.TrainAsync(id, null, CancellationToken.None));
        var evaluate = jobs.ContinueJobWith<RetrainJobs>(train, j => j.EvaluateAsync(id, null, CancellationToken.None));
        var promote = jobs.ContinueJobWith<RetrainJobs>(evaluate, j => j.PromoteAsync(id, null, CancellationToken.None));
        var jobIds = new RetrainJobIds(split, train, evaluate, promote);
        await registry.SetRetrainJobIdsAsync(id, jobIds, cancellationToken);
        return (retrain with { JobIds = jobIds }, true);
    }

    /// <summary>
    /// Marks the retrain Cancelled (final: its stages do nothing from then on), deletes its Hangfire
    /// jobs (a running one is told to stop) and stops its stage at once if it runs on this replica.
    /// </summary>
    public async Task<CancelOutcome> CancelAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await registry.GetRetrainAsync(id, cancellationToken) is not { } retrain)
        {
            return CancelOutcome.NotFound;
        }

        if (!await registry.CancelRetrainAsync(id, "cancelled by an operator", time.GetUtcNow(), cancellationToken))
        {
            return CancelOutcome.NotRunning;
        }

        cancellations.Cancel(id);
        foreach (var jobId in retrain.JobIds?.All ?? [])
        {
            jobs.Delete(jobId);
        }

        return CancelOutcome.Cancelled;
    }

    /// <summary>
    /// facemask-v{n+1}, where n is the highest number among registered facemask-v{n} versions and the
    /// model folders on disk: a shipped model the registry has not seen (models/facemask-v3 beside an
    /// active v2) is never overwritten, nor removed when a retrain that took its name fails.
    /// </summary>
    private async Task<string> NextVersionAsync(CancellationToken cancellationToken)
    {
        var onDisk = Directory.Exists(paths.Models) ? Directory.EnumerateDirectories(paths.Models).Select(Path.GetFileName).OfType<string>() : [];
        var highest = (await registry.ListAsync(cancellationToken)).Select(m => m.Version).Concat(onDisk)
            .Select(version => VersionNumber().Match(version))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Max();
        return $"facemask-v{highest + 1}";
    }

    [GeneratedRegex(@"^facemask-v(\d+)$")]
    private static partial Regex VersionNumber();
}
