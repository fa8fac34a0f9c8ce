using FaceMask.Api.Registry;

namespace FaceMask.Api.Retraining;

/// <summary>
/// Stage 4: carries out the evaluation's decision, unless another version became active meanwhile
/// (then the candidate is kept: it was judged against a model no longer served), and ends the retrain.
/// </summary>
public sealed class PromoteStage(IModelRegistry registry, IActiveModelFollower follower, TimeProvider time, ILogger<PromoteStage> logger)
{
    public async Task<string> RunAsync(RunningStage stage)
    {
        var evaluation = stage.Previous;
        if (evaluation?.Comparison is not { } comparison)
        {
            throw new InvalidOperationException("The evaluation stage has not recorded its figures.");
        }

        var version = stage.Retrain.TargetVersion;
        var decision = comparison.Decision;
        var activeNow = await registry.GetActiveAsync(stage.Token);
        if (decision.Promote && activeNow?.Version != comparison.Active?.Version)
        {
            var reason = $"the active model changed to {activeNow?.Version ?? "none"} after the evaluation against {comparison.Active?.Version}";
            decision = new PromotionDecision(false, "kept as candidate: " + reason, [new GateReason(GateReasonKind.ActiveModelChanged, reason)]);
        }

        var progress = evaluation with
        {
            Stage = RetrainStage.Done,
            Message = decision.Summary,
            Comparison = comparison with { Decision = decision },
            Attempt = stage.Attempt,
            Retries = stage.Retrain.Progress?.Retries,
        };
        var finished = stage.Retrain with
        {
            State = RetrainState.Succeeded,
            Stage = RetrainStage.Done,
            Finished = time.GetUtcNow(),
            ResultVersion = version,
            Decision = decision,
            Progress = progress,
        };

        // Promotion cannot be cancelled (the cancel route refuses once this stage has begun), so
        // the record and the registry agree whatever happens between these two writes.
        if (decision.Promote)
        {
            await registry.ActivateAsync(version, decision.Summary, time.GetUtcNow(), stage.Token);
            follower.RefreshNow();
        }
        else
        {
            await registry.SetReasonAsync(version, decision.Summary, stage.Token);
        }

        await registry.UpdateRetrainAsync(finished, stage.Token);
        logger.LogInformation("Retrain {Id}: {Decision}", stage.Retrain.Id, decision.Summary);
        return decision.Summary;
    }
}
