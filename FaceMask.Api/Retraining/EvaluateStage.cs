using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using FaceMask.Api.Retraining.Reference;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Retraining;

/// <summary>
/// Stage 3: measures the candidate and the active model on the reference set (as it is and under
/// every robustness shift) and on the retrain's new test split, records both models' figures, and
/// asks the <see cref="PromotionGate"/> for its decision.
/// </summary>
public sealed class EvaluateStage(StageRunner runner, IModelRegistry registry, ReferenceSets references, ServicePaths paths, IOptions<RetrainingOptions> options)
{
    public async Task<string> RunAsync(RunningStage stage)
    {
        var version = stage.Retrain.TargetVersion;
        var candidate = ModelFolder.Load(runner.ModelPath(stage.Retrain));
        var activeRecord = await registry.GetActiveAsync(stage.Token);
        var active = activeRecord is null ? null : runner.TryLoad(activeRecord.Path);
        var reference = references.Current();
        using var detector = TrainingPipeline.OpenDetector(paths.FaceDetector);
        var sets = new EvaluationSets(references, reference, paths.RetrainSplit(version), detector);

        var candidateFigures = sets.Figures(candidate);
        var activeFigures = active is not null && active.Metadata.Classes.SequenceEqual(candidate.Metadata.Classes) ? sets.Figures(active) : null;
        var decision = PromotionGate.Decide(candidate.Metadata, candidateFigures, active?.Metadata, activeFigures, reference, options.Value);
        var comparison = new RetrainComparison(reference?.Name, candidateFigures, activeFigures, decision);

        foreach (var figures in new[] { candidateFigures, activeFigures }.OfType<ModelFigures>().Where(f => f.Reference is not null))
        {
            await registry.SetEvaluationAsync(figures.Version, new ModelEvaluation(reference!.Name, figures.Reference!, version, figures.TestSplit), stage.Token);
        }

        var message = activeFigures is null
            ? $"{version} macro-F1 {candidateFigures.Reference?.MacroF1:0.0000} on {reference?.Name ?? "no reference set"}; no comparable active model"
            : $"{version} macro-F1 {candidateFigures.Reference?.MacroF1:0.0000} vs {activeFigures.Version} {activeFigures.Reference?.MacroF1:0.0000} on {reference?.Name}; " +
              $"on the new test split {candidateFigures.TestSplit?.MacroF1:0.0000} vs {activeFigures.TestSplit?.MacroF1:0.0000}";
        await runner.ReportAsync(stage, new RetrainProgress(RetrainStage.Evaluate, message,
            CandidateMacroF1: candidateFigures.Reference?.MacroF1, ActiveMacroF1: activeFigures?.Reference?.MacroF1, ActiveVersion: activeFigures?.Version, Comparison: comparison));
        return message + ". " + decision.Summary;
    }
}
