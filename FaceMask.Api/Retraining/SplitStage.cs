using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using FaceMask.Api.Retraining.Reference;
using FaceMask.Training.Data;

namespace FaceMask.Api.Retraining;

/// <summary>
/// Stage 1: checks the data as a retrain request was checked (it may have changed since), seeds the
/// reference set on a fresh deployment, groups near-duplicates and writes the retrain's own split.
/// </summary>
public sealed class SplitStage(StageRunner runner, RetrainPreflight preflight, ReferenceSets references, ServicePaths paths, TimeProvider time)
{
    public async Task<string> RunAsync(RunningStage stage)
    {
        var data = preflight.Scan(stage.Token);
        var reference = references.Current();
        var readiness = preflight.Check(data, null, reference, grouping: null, stage.Token);
        if (readiness.Refusal is { } refusal)
        {
            return await runner.FailAsync(stage.Retrain, $"split refused the data ({refusal.Code}): {refusal.Detail}");
        }

        if (readiness.Seed is { } seed)
        {
            reference = await references.SeedAsync(seed, $"seeded by retrain {stage.Retrain.Id} from {readiness.SeedSource}", stage.Token);
        }

        var plan = readiness.Plan!;
        var written = SplitWriter.Write(plan, paths.RetrainSplit(stage.Retrain.TargetVersion), time.GetUtcNow());
        var counts = string.Join(", ", written.Manifest.Counts.Select(p => $"{p.Key} {p.Value.Values.Sum()}"));
        var summary = $"{plan.Scan.Images.Count} images in {plan.GroupCount} groups: {counts}; {plan.Withheld.Count} withheld as copies of reference set {reference?.Name}; {data.Unreadable.Count} unreadable";
        await runner.ReportAsync(stage, new RetrainProgress(RetrainStage.Split, summary));
        return summary;
    }
}
