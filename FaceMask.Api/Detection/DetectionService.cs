using System.Diagnostics;
using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Api.Monitoring;
using FaceMask.Training.Detection;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace FaceMask.Api.Detection;

/// <summary>What a detect request asks for.</summary>
public sealed record DetectionQuery(int MinFace, int MaxFaces, bool Annotate);

/// <summary>A detect answer: the faces, and the annotated photo as JPEG when it was asked for.</summary>
public sealed record PhotoDetection(DetectionResponse Response, byte[]? AnnotatedJpeg);

/// <summary>
/// Every face in a photo: decode with the prediction's checks, find the faces (<see cref="IFaceFinder"/>, YuNet by default),
/// cut each out by the one framing rule (<see cref="FaceCrop"/>) and classify them all together
/// through the micro-batcher, on the model the request leased.
/// </summary>
public sealed class DetectionService(FaceDetectorHost detectors, ServiceMetrics metrics, IOptions<DetectionOptions> options)
{
    public DetectionOptions Defaults => options.Value;

    public async Task<Outcome<PhotoDetection>> DetectAsync(PredictionSession session, ImageUpload upload, DetectionQuery query, CancellationToken cancellationToken)
    {
        if (detectors.Finder is not { } finder)
        {
            return new ApiError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.DetectorUnavailable, "No face detector", "The face detector model is not installed (Detection:Model).");
        }

        var decoded = await session.DecodeAsync(upload, cancellationToken);
        if (decoded.Error is { } rejected)
        {
            return rejected;
        }

        using var photo = decoded.Value!;
        var watch = Stopwatch.StartNew();
        var (kept, truncated) = finder.FindLargest(photo, query.MinFace, query.MaxFaces, options.Value.MinScore);
        metrics.ObserveDetection(watch.Elapsed);

        var verdicts = await Task.WhenAll(kept.Select(face => ClassifyAsync(session, photo, face, finder.CropWidening, cancellationToken)));
        var faces = kept.Select((face, i) => ClassifiedFace.From(face, verdicts[i].Prediction, verdicts[i].Confidence, verdicts[i].Probabilities, verdicts[i].Uncertain)).ToList();
        var counts = session.Model.Classes.ToDictionary(c => c, c => faces.Count(f => f.Prediction == c));
        foreach (var face in faces)
        {
            metrics.Detected(face.Prediction);
        }

        var response = new DetectionResponse(faces, counts, new ImageSize(photo.Width, photo.Height), truncated, session.Model.Metadata.Version, finder.Description);
        return new PhotoDetection(response, query.Annotate ? FaceAnnotator.Jpeg(photo, faces) : null);
    }

    private static async Task<Inference.PredictionResult> ClassifyAsync(PredictionSession session, Mat photo, FaceDetection face, float widening, CancellationToken cancellationToken)
    {
        using var crop = new Mat(photo, FaceCrop.Square(face.Frame, photo.Width, photo.Height, widening));
        return await session.ClassifyAsync(crop, cancellationToken);
    }
}
