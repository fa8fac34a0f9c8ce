using System.Text.Json.Serialization;
using FaceMask.Api.Errors;

namespace FaceMask.Api.Inference;

/// <summary>One file of a batch: a prediction, or the error for that file alone.</summary>
public sealed record BatchItem(
    string File,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Prediction,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Confidence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, float>? Probabilities,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ModelVersion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Uncertain)
{
    public static BatchItem Of(string file, Outcome<PredictionResult> outcome) => outcome.Error is { } error
        ? new(file, null, null, null, null, error.Detail, error.Status, error.Code, null)
        : new(file, outcome.Value!.Prediction, outcome.Value.Confidence, outcome.Value.Probabilities, outcome.Value.ModelVersion, null, null, null, outcome.Value.Uncertain);
}
