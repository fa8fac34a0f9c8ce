using FaceMask.Training.Detection;

namespace FaceMask.Api.Detection;

/// <summary>The answer of <c>POST /api/detect</c>: every face found, largest first, with its class (<see cref="ClassifiedFace"/>).</summary>
public sealed record DetectionResponse(
    IReadOnlyList<ClassifiedFace> Faces,
    IReadOnlyDictionary<string, int> Counts,
    ImageSize Image,
    bool Truncated,
    string ModelVersion,
    string Detector);
