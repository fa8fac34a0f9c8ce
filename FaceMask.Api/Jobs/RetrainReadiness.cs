using FaceMask.Training.Data;

namespace FaceMask.Api.Jobs;

/// <summary>What the checks found: a refusal, or the plan and (on the first retrain) the reference set to seed.</summary>
public sealed record RetrainReadiness(RetrainRefusal? Refusal, SplitPlan? Plan = null, IReadOnlyList<DatasetImage>? Seed = null)
{
    public static RetrainReadiness Refused(int status, string code, string title, string detail) => new(new RetrainRefusal(status, code, title, detail));
}
