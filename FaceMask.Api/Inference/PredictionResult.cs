namespace FaceMask.Api.Inference;

/// <summary>The Python service's prediction response, plus the model version that produced it.</summary>
/// <param name="Uncertain">The confidence is below <c>Inference:UncertainBelow</c>: a verdict to check by eye.</param>
public sealed record PredictionResult(string Prediction, float Confidence, IReadOnlyDictionary<string, float> Probabilities, string ModelVersion, bool Uncertain);
