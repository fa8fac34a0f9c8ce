using FaceMask.Api.Inference;

namespace FaceMask.Api.Endpoints;

/// <summary>What the prediction handlers need.</summary>
public sealed record PredictionServices(PredictionService Predictions, FormReader Forms);
