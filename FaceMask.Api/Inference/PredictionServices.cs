using FaceMask.Api.Infrastructure;

namespace FaceMask.Api.Inference;

/// <summary>What the prediction handlers need.</summary>
public sealed record PredictionServices(PredictionService Predictions, FormReader Forms);
