using System.Text.Json.Serialization;
using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>A box in pixels of the photo.</summary>
public sealed record FaceBox(float X, float Y, float Width, float Height)
{
    public static FaceBox From(Rect2f box) => new(box.X, box.Y, box.Width, box.Height);
}

public sealed record FacePoint(float X, float Y);

public sealed record ImageSize(int Width, int Height);

/// <summary>
/// One face of a photo with the classifier's verdict: where (pixels of the photo as displayed),
/// how sure the detector is, the class and its (calibrated) probabilities, the keypoints by name,
/// and whether the verdict is <see cref="Evaluation.Uncertainty">uncertain</see>. The shape of a
/// face in <c>POST /api/detect</c> and <c>facemask detect</c>.
/// </summary>
public sealed record ClassifiedFace(
    FaceBox Box,
    float DetectionConfidence,
    string Prediction,
    float Confidence,
    IReadOnlyDictionary<string, float> Probabilities,
    IReadOnlyDictionary<string, FacePoint> Keypoints,
    bool Uncertain)
{
    /// <summary>The box the classifier's crop was cut around (<see cref="FaceDetection.Frame"/>); not part of the answer.</summary>
    [JsonIgnore]
    public FaceBox Frame { get; init; } = Box;

    public static ClassifiedFace From(FaceDetection face, string prediction, float confidence, IReadOnlyDictionary<string, float> probabilities, bool uncertain)
    {
        var names = face.KeypointNames;
        var keypoints = new Dictionary<string, FacePoint>(names.Count);
        for (var k = 0; k < names.Count; k++)
        {
            keypoints[names[k]] = new FacePoint(face.Keypoints[k].X, face.Keypoints[k].Y);
        }

        return new ClassifiedFace(FaceBox.From(face.Box), face.Score, prediction, confidence, probabilities, keypoints, uncertain) { Frame = FaceBox.From(face.Frame) };
    }
}
