namespace FaceMask.Api.Inference;

/// <summary><c>POST /api/predict/batch</c>: one entry per file, in the order sent.</summary>
public sealed record BatchPredictionResponse(IReadOnlyList<BatchItem> Results);
