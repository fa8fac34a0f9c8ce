using FaceMask.Training.Common;
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
/// how sure the detector is, the class and its probabilities, and the six keypoints by name. The
/// shape of a face in <c>POST /api/detect</c> and <c>facemask detect</c>.
/// </summary>
public sealed record ClassifiedFace(
    FaceBox Box,
    float DetectionConfidence,
    string Prediction,
    float Confidence,
    IReadOnlyDictionary<string, float> Probabilities,
    IReadOnlyDictionary<string, FacePoint> Keypoints)
{
    /// <summary>Keypoint names in BlazeFace's order (<see cref="FaceKeypoint"/>).</summary>
    public static IReadOnlyList<string> KeypointNames { get; } = ["right_eye", "left_eye", "nose_tip", "mouth", "right_ear", "left_ear"];

    public static ClassifiedFace From(FaceDetection face, string prediction, float confidence, IReadOnlyDictionary<string, float> probabilities)
    {
        var keypoints = new Dictionary<string, FacePoint>(KeypointNames.Count);
        for (var k = 0; k < KeypointNames.Count; k++)
        {
            keypoints[KeypointNames[k]] = new FacePoint(face.Keypoints[k].X, face.Keypoints[k].Y);
        }

        return new ClassifiedFace(FaceBox.From(face.Box), face.Score, prediction, confidence, probabilities, keypoints);
    }
}

/// <summary>Draws faces and verdicts onto a copy of a photo: green with a mask, orange worn incorrectly, red without.</summary>
public static class FaceAnnotator
{
    public static byte[] Jpeg(Mat photo, IReadOnlyList<ClassifiedFace> faces)
    {
        using var canvas = photo.Clone();
        var thickness = Math.Max(1, Math.Min(photo.Width, photo.Height) / 300);
        foreach (var face in faces)
        {
            var colour = face.Prediction switch
            {
                MaskClasses.WithMask => new Scalar(60, 180, 60),
                MaskClasses.Incorrect => new Scalar(0, 150, 255),
                MaskClasses.WithoutMask => new Scalar(40, 40, 220),
                _ => new Scalar(200, 200, 200),
            };
            var box = new Rect((int)face.Box.X, (int)face.Box.Y, (int)face.Box.Width, (int)face.Box.Height);
            Cv2.Rectangle(canvas, box, colour, thickness, LineTypes.AntiAlias);
            var label = $"{face.Prediction} {face.Confidence:0.00}";
            var scale = Math.Max(0.35, face.Box.Width / 160.0);
            var size = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, scale, 1, out var baseline);
            var top = Math.Max(0, box.Y - size.Height - baseline - 2);
            Cv2.Rectangle(canvas, new Rect(box.X, top, size.Width + 4, size.Height + baseline + 2), colour, -1);
            Cv2.PutText(canvas, label, new Point(box.X + 2, top + size.Height), HersheyFonts.HersheySimplex, scale, Scalar.White, 1, LineTypes.AntiAlias);
        }

        Cv2.ImEncode(".jpg", canvas, out var jpeg, [(int)ImwriteFlags.JpegQuality, 90]);
        return jpeg;
    }
}
