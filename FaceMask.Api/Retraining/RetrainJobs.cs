using System.ComponentModel;
using FaceMask.Api.Registry;
using Hangfire;
using Hangfire.Server;

namespace FaceMask.Api.Retraining;

/// <summary>
/// The four Hangfire jobs of a retrain, chained as continuations: split, train, evaluate, promote.
/// Each stage can run again after a crash or restart and reaches the same result: the split and
/// the model folder are written atomically, a model folder that is already complete is reused,
/// and the registry rows are upserts. <see cref="StageRunner"/> gives every stage its lifecycle
/// (heartbeat, re-run detection, cancellation); a failed attempt is retried twice, then the retrain fails.
/// </summary>
[AutomaticRetry(Attempts = 2, DelaysInSeconds = [2, 10], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed class RetrainJobs(StageRunner runner, SplitStage split, TrainStage train, EvaluateStage evaluate, PromoteStage promote)
{
    [DisplayName("Retrain {0}: split")]
    public Task<string> SplitAsync(Guid retrainId, PerformContext? context, CancellationToken cancellationToken) =>
        runner.RunAsync(retrainId, RetrainStage.Split, "Grouping near-duplicates and splitting", context, split.RunAsync, cancellationToken);

    [DisplayName("Retrain {0}: train")]
    public Task<string> TrainAsync(Guid retrainId, PerformContext? context, CancellationToken cancellationToken) =>
        runner.RunAsync(retrainId, RetrainStage.Train, "Loading images", context, train.RunAsync, cancellationToken);

    [DisplayName("Retrain {0}: evaluate")]
    public Task<string> EvaluateAsync(Guid retrainId, PerformContext? context, CancellationToken cancellationToken) =>
        runner.RunAsync(retrainId, RetrainStage.Evaluate, "Evaluating the new and the active model on the reference set and the new test split", context, evaluate.RunAsync, cancellationToken);

    [DisplayName("Retrain {0}: promote")]
    public Task<string> PromoteAsync(Guid retrainId, PerformContext? context, CancellationToken cancellationToken) =>
        runner.RunAsync(retrainId, RetrainStage.Promote, "Deciding", context, promote.RunAsync, cancellationToken);
}
