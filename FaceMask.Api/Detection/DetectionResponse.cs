namespace FaceMask.Api.Detection;

/// <summary>The answer of <c>POST /api/detect</c>: every face found, largest first, with its class.</summary>
public sealed record DetectionResponse(
    IReadOnlyList<DetectedFace> Faces,
    IReadOnlyDictionary<string, int> Counts,
    ImageSize Image,
    bool Truncated,
    string ModelVersion,
    string Detector);

/// <summary>One face: where (pixels of the uploaded image as displayed, after EXIF orientation), how sure the detector is, and the classifier's verdict.</summary>
public sealed record DetectedFace(
    FaceBox Box,
    float DetectionConfidence,
    string Prediction,
    float Confidence,
    IReadOnlyDictionary<string, float> Probabilities,
    IReadOnlyDictionary<string, FacePoint> Keypoints);

public sealed record FaceBox(float X, float Y, float Width, float Height);

public sealed record FacePoint(float X, float Y);

public sealed record ImageSize(int Width, int Height);
