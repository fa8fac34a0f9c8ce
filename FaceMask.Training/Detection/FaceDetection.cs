using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// One detected face in pixels of the image it was found in: its box, the detector's confidence
/// and BlazeFace's six keypoints, in MediaPipe's order (see <see cref="FaceKeypoint"/>).
/// </summary>
public sealed record FaceDetection(Rect2f Box, float Score, IReadOnlyList<Point2f> Keypoints)
{
    public Point2f this[FaceKeypoint keypoint] => Keypoints[(int)keypoint];
}
