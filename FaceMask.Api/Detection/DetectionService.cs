using System.Diagnostics;
using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Training.Detection;
using Microsoft.Extensions.Options;
using OpenCvSharp;
using Colour = OpenCvSharp.Scalar;

namespace FaceMask.Api.Detection;

/// <summary>What a detect request asks for.</summary>
public sealed record DetectionQuery(int MinFace, int MaxFaces, bool Annotate);

/// <summary>A detect answer: the faces, and the annotated photo as JPEG when it was asked for.</summary>
public sealed record PhotoDetection(DetectionResponse Response, byte[]? AnnotatedJpeg);

/// <summary>
/// Every face in a photo: decode with the prediction's checks, find the faces (<see cref="FaceFinder"/>),
/// cut each out by the one framing rule (<see cref="FaceCrop"/>) and classify them all together
/// through the micro-batcher, on the model the request leased.
/// </summary>
public sealed class DetectionService(FaceDetectorHost detectors, ServiceMetrics metrics, IOptions<DetectionOptions> options)
{
    private static readonly string[] KeypointNames = ["right_eye", "left_eye", "nose_tip", "mouth", "right_ear", "left_ear"];

    public DetectionOptions Defaults => options.Value;

    public async Task<Outcome<PhotoDetection>> DetectAsync(PredictionSession session, ImageUpload upload, DetectionQuery query, CancellationToken cancellationToken)
    {
        if (detectors.Finder is not { } finder)
        {
            return new ApiError(StatusCodes.Status503ServiceUnavailable, "detector_unavailable", "No face detector", "The face detector model is not installed (Paths:FaceDetector).");
        }

        var decoded = await session.DecodeAsync(upload, cancellationToken);
        if (decoded.Error is { } rejected)
        {
            return rejected;
        }

        using var photo = decoded.Value!;
        var watch = Stopwatch.StartNew();
        var found = finder.Find(photo, query.MinFace, options.Value.MinScore)
            .OrderByDescending(f => f.Box.Width * f.Box.Height)
            .ToList();
        metrics.ObserveDetection(watch.Elapsed);

        var kept = found.Take(query.MaxFaces).ToList();
        var verdicts = await Task.WhenAll(kept.Select(face => ClassifyAsync(session, photo, face, cancellationToken)));
        var faces = kept.Select((face, i) => Describe(face, verdicts[i])).ToList();
        var counts = session.Model.Classes.ToDictionary(c => c, c => faces.Count(f => f.Prediction == c));
        foreach (var face in faces)
        {
            metrics.Detected(face.Prediction);
        }

        var response = new DetectionResponse(faces, counts, new ImageSize(photo.Width, photo.Height), found.Count > kept.Count, session.Model.Metadata.Version, FaceDetectorHost.Name);
        return new PhotoDetection(response, query.Annotate ? Annotate(photo, faces) : null);
    }

    private static async Task<Inference.PredictionResult> ClassifyAsync(PredictionSession session, Mat photo, FaceDetection face, CancellationToken cancellationToken)
    {
        using var crop = new Mat(photo, FaceCrop.Square(face.Box, photo.Width, photo.Height));
        return await session.ClassifyAsync(crop, cancellationToken);
    }

    private static DetectedFace Describe(FaceDetection face, Inference.PredictionResult verdict)
    {
        var keypoints = new Dictionary<string, FacePoint>(KeypointNames.Length);
        for (var k = 0; k < KeypointNames.Length; k++)
        {
            keypoints[KeypointNames[k]] = new FacePoint(face.Keypoints[k].X, face.Keypoints[k].Y);
        }

        return new DetectedFace(new FaceBox(face.Box.X, face.Box.Y, face.Box.Width, face.Box.Height), face.Score, verdict.Prediction, verdict.Confidence, verdict.Probabilities, keypoints);
    }

    /// <summary>The photo with each face's box and verdict drawn: green with a mask, orange worn incorrectly, red without.</summary>
    private static byte[] Annotate(Mat photo, IReadOnlyList<DetectedFace> faces)
    {
        using var canvas = photo.Clone();
        var thickness = Math.Max(1, Math.Min(photo.Width, photo.Height) / 300);
        foreach (var face in faces)
        {
            var colour = face.Prediction switch
            {
                "with_mask" => new Colour(60, 180, 60),
                "mask_weared_incorrect" => new Colour(0, 150, 255),
                "without_mask" => new Colour(40, 40, 220),
                _ => new Colour(200, 200, 200),
            };
            var box = new Rect((int)face.Box.X, (int)face.Box.Y, (int)face.Box.Width, (int)face.Box.Height);
            Cv2.Rectangle(canvas, box, colour, thickness, LineTypes.AntiAlias);
            var label = $"{face.Prediction} {face.Confidence:0.00}";
            var scale = Math.Max(0.35, face.Box.Width / 160.0);
            var size = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, scale, 1, out var baseline);
            var top = Math.Max(0, box.Y - size.Height - baseline - 2);
            Cv2.Rectangle(canvas, new Rect(box.X, top, size.Width + 4, size.Height + baseline + 2), colour, -1);
            Cv2.PutText(canvas, label, new Point(box.X + 2, top + size.Height), HersheyFonts.HersheySimplex, scale, Colour.White, 1, LineTypes.AntiAlias);
        }

        Cv2.ImEncode(".jpg", canvas, out var jpeg, [(int)ImwriteFlags.JpegQuality, 90]);
        return jpeg;
    }
}
