using FaceMask.Training.Evaluation;
using FaceMask.Training.Models;

namespace FaceMask.Api.Inference;

/// <summary>What <c>GET /api/model/info</c> says about the served model.</summary>
public sealed record ModelInfoResponse(
    string Version,
    IReadOnlyList<string> Classes,
    int[] InputSize,
    PreprocessingMetadata Preprocessing,
    string Architecture,
    long Parameters,
    double Mflops,
    ClassificationReport? Metrics,
    DateTimeOffset Created,
    string? DatasetFingerprint,
    string? ParentVersion);
