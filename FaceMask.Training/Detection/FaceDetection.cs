using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// One detected face in pixels of the image it was found in: its box, the detector's confidence and
/// its landmarks, named by <see cref="KeypointNames"/>: BlazeFace's six (MediaPipe's order, see
/// <see cref="FaceKeypoint"/>) unless the detector names its own (YuNet's five).
/// </summary>
public sealed record FaceDetection(Rect2f Box, float Score, IReadOnlyList<Point2f> Keypoints, IReadOnlyList<string>? Names = null)
{
    /// <summary>BlazeFace's keypoint names, in <see cref="FaceKeypoint"/> order.</summary>
    public static IReadOnlyList<string> BlazeFaceNames { get; } = ["right_eye", "left_eye", "nose_tip", "mouth", "right_ear", "left_ear"];

    public IReadOnlyList<string> KeypointNames => Names ?? BlazeFaceNames;

    /// <summary>A BlazeFace keypoint (the painter's geometry).</summary>
    public Point2f this[FaceKeypoint keypoint] => Keypoints[(int)keypoint];
}
