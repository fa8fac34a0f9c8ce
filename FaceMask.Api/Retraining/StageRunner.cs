using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using FaceMask.Api.Retraining.Jobs;
using FaceMask.Training.Models;
using Hangfire.Server;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Retraining;

/// <summary>
/// The lifecycle every retrain stage shares: it skips a stage of a retrain that has ended, records
/// the stage (and whether it is a re-run after a dead worker), beats while it runs, turns an
/// operator's cancel into a clean end (nothing half-written left) rather than a failure, and
/// records progress.
/// </summary>
public sealed class StageRunner(
    IModelRegistry registry,
    ServicePaths paths,
    RetrainCancellations cancellations,
    IJobKeepAlive keepAlive,
    TimeProvider time,
    IOptions<JobsOptions> jobs,
    ILogger<StageRunner> logger)
{
    /// <summary>Where a retrain writes its candidate model folder.</summary>
    public string ModelPath(RetrainRecord retrain) => Path.Combine(paths.Models, retrain.TargetVersion);

    public async Task<string> RunAsync(Guid retrainId, RetrainStage stageName, string message, PerformContext? context, Func<RunningStage, Task<string>> body, CancellationToken hangfireToken)
    {
        var retrain = await registry.GetRetrainAsync(retrainId, hangfireToken) ?? throw new InvalidOperationException($"Retrain {retrainId} is not in the registry.");
        if (!retrain.IsRunning)
        {
            return $"skipped: the retrain is {retrain.State}";
        }

        var previous = retrain.Progress;
        var rerun = retrain.State == RetrainState.Processing && retrain.Stage == stageName;
        var attempt = rerun ? (previous?.Attempt ?? 1) + 1 : 1;
        var recovery = rerun
            ? $"attempt {attempt}: the previous attempt of this stage did not finish (last heartbeat {retrain.Heartbeat?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "never"})"
            : null;
        if (rerun)
        {
            await RemoveLeftoversAsync(retrain);
            logger.LogWarning("Retrain {Id}: {Stage} runs again, {Recovery}", retrainId, stageName, recovery);
        }

        logger.LogInformation("Retrain {Id}: {Stage} starts on this process (attempt {Attempt})", retrainId, stageName, attempt);
        using var cancellation = cancellations.Register(retrainId, hangfireToken);
        var now = time.GetUtcNow();
        retrain = retrain with
        {
            State = RetrainState.Processing,
            Stage = stageName,
            Started = retrain.Started ?? now,
            Heartbeat = now,
            Progress = new RetrainProgress(stageName, message, Attempt: attempt, Recovery: recovery, Comparison: previous?.Comparison,
                Retries: rerun ? [.. previous?.Retries ?? [], $"{RegistryJson.Stage(stageName)}: {recovery}"] : previous?.Retries),
        };
        if (!await registry.UpdateRetrainAsync(retrain, hangfireToken))
        {
            return "skipped: the retrain ended meanwhile";
        }

        var jobId = context?.BackgroundJob.Id;
        await using var heartbeat = StageHeartbeat.Start(
            async () =>
            {
                if (jobId is not null)
                {
                    keepAlive.Touch(jobId);
                }

                return await registry.HeartbeatRetrainAsync(retrainId, time.GetUtcNow(), CancellationToken.None);
            },
            cancellation.Cancel,
            TimeSpan.FromSeconds(jobs.Value.HeartbeatSeconds),
            logger);
        try
        {
            return await body(new RunningStage(retrain, previous, attempt, recovery, cancellation));
        }
        catch (OperationCanceledException)
        {
            // An operator's cancel ends the stage cleanly; a shutdown rethrows, so Hangfire re-queues it.
            if (await registry.GetRetrainAsync(retrainId, CancellationToken.None) is not { State: RetrainState.Cancelled } cancelled)
            {
                throw;
            }

            await RemoveLeftoversAsync(cancelled, removeSplit: true);
            logger.LogInformation("Retrain {Id}: {Stage} stopped, the retrain was cancelled", retrainId, stageName);
            return "cancelled";
        }
    }

    /// <summary>Records progress of a running stage; when the retrain has ended meanwhile, cancels the stage and throws.</summary>
    public async Task ReportAsync(RunningStage stage, RetrainProgress progress)
    {
        if (!await TryReportAsync(stage, progress))
        {
            stage.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Records progress; false (and the stage's token cancelled) when the retrain has ended meanwhile. Never throws for that.</summary>
    public async Task<bool> TryReportAsync(RunningStage stage, RetrainProgress progress)
    {
        var recorded = await registry.UpdateRetrainAsync(stage.Retrain with
        {
            Heartbeat = time.GetUtcNow(),
            Progress = progress with
            {
                Attempt = stage.Attempt,
                Recovery = stage.Recovery,
                Comparison = progress.Comparison ?? stage.Previous?.Comparison,
                Retries = stage.Retrain.Progress?.Retries,
            },
        }, CancellationToken.None);
        if (!recorded)
        {
            stage.Cancel();
        }

        return recorded;
    }

    /// <summary>Ends the retrain as failed, with the reason; the stage returns the reason as its result.</summary>
    public async Task<string> FailAsync(RetrainRecord retrain, string error)
    {
        await registry.UpdateRetrainAsync(retrain with { State = RetrainState.Failed, Finished = time.GetUtcNow(), Error = error });
        logger.LogWarning("Retrain {Id} failed: {Error}", retrain.Id, error);
        return error;
    }

    /// <summary>The model folder at <paramref name="path"/>, or null when there is none or it cannot be read (logged).</summary>
    public ModelFolder? TryLoad(string path) => ModelFolders.TryLoad(path, logger, "the retrain");

    /// <summary>
    /// Removes what an interrupted or cancelled stage may have left: staging folders, and for a
    /// cancelled retrain its split and an unregistered model folder. A registered model is never touched.
    /// </summary>
    private async Task RemoveLeftoversAsync(RetrainRecord retrain, bool removeSplit = false)
    {
        var split = paths.RetrainSplit(retrain.TargetVersion);
        var staging = (Directory.Exists(split) ? Directory.EnumerateDirectories(split, ".staging-*") : [])
            .Concat(Directory.Exists(paths.Models) ? Directory.EnumerateDirectories(paths.Models, $".{retrain.TargetVersion}.staging-*") : []);
        var doomed = staging.ToList();
        if (removeSplit)
        {
            doomed.Add(split);
            if (await registry.GetAsync(retrain.TargetVersion) is null)
            {
                doomed.Add(ModelPath(retrain));
            }
        }

        foreach (var directory in doomed.Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Could not remove {Directory}", directory);
            }
        }
    }
}
