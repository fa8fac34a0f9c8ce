using FaceMask.Api.Errors;
using FaceMask.Training.Data;

namespace FaceMask.Api.Retraining;

/// <summary>
/// What the checks found: why a retrain cannot work, or the plan and (on the first retrain) the
/// reference set to seed and where its images come from, in words for its origin.
/// </summary>
public sealed record RetrainReadiness(ApiError? Refusal, SplitPlan? Plan = null, IReadOnlyList<DatasetImage>? Seed = null, string? SeedSource = null)
{
    public static RetrainReadiness Refused(int status, string code, string title, string detail) => new(new ApiError(status, code, title, detail));
}
