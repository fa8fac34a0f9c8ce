using FaceMask.Api.Registry;
using Hangfire.States;
using Hangfire.Storage;

namespace FaceMask.Api.Retraining;

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
                    Error = $"{RegistryJson.Stage(retrain.Stage)} failed: {failed.Exception.Message}",
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
