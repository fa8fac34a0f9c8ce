namespace FaceMask.Api.Registry;

/// <summary>What <c>GET /api/jobs/{id}</c> shows as <c>progress</c>.</summary>
/// <param name="Attempt">Which attempt of the current stage this is: above 1 after a worker died or a stage was retried.</param>
/// <param name="Recovery">Why the stage runs again, when it does.</param>
/// <param name="Retries">Every stage that ran again and why, kept to the end of the retrain (the current attempt's note alone is lost once it ends).</param>
/// <param name="Comparison">Both models' figures on the reference set and the new test split, and the promotion decision.</param>
public sealed record RetrainProgress(
    RetrainStage Stage,
    string Message,
    int? Epoch = null,
    int? Epochs = null,
    int? Step = null,
    int? Steps = null,
    double? Loss = null,
    double? ImagesPerSecond = null,
    double? ValAccuracy = null,
    double? ValMacroF1 = null,
    double? CandidateMacroF1 = null,
    double? ActiveMacroF1 = null,
    string? ActiveVersion = null,
    int Attempt = 1,
    string? Recovery = null,
    RetrainComparison? Comparison = null,
    IReadOnlyList<string>? Retries = null);
