namespace FaceMask.Api.Inference;

/// <summary>The Python service's prediction response, plus the model version that produced it.</summary>
public sealed record PredictionResult(string Prediction, float Confidence, IReadOnlyDictionary<string, float> Probabilities, string ModelVersion);
