using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// One detected face in pixels of the image it was found in: its box, the detector's confidence and
/// its landmarks, named by <see cref="KeypointNames"/>: BlazeFace's six (MediaPipe's order, see
/// <see cref="FaceKeypoint"/>) unless the detector names its own (YuNet's five).
/// </summary>
/// <remarks>
/// <see cref="Box"/> is where the face is, as annotators of face-mask photos draw it; the detector's
/// own box, when it differs, is kept as <see cref="DetectorBox"/> because the classifier's crop is
/// cut around it (<see cref="Frame"/>): the models were trained on that framing.
/// </remarks>
public sealed record FaceDetection(Rect2f Box, float Score, IReadOnlyList<Point2f> Keypoints, IReadOnlyList<string>? Names = null)
{
    /// <summary>BlazeFace's keypoint names, in <see cref="FaceKeypoint"/> order.</summary>
    public static IReadOnlyList<string> BlazeFaceNames { get; } = ["right_eye", "left_eye", "nose_tip", "mouth", "right_ear", "left_ear"];

    public IReadOnlyList<string> KeypointNames => Names ?? BlazeFaceNames;

    /// <summary>The detector's own box where <see cref="Box"/> was moved to the annotators' convention; null: the same.</summary>
    public Rect2f? DetectorBox { get; init; }

    /// <summary>The box the classifier's crop is cut around (<see cref="FaceCrop"/>).</summary>
    public Rect2f Frame => DetectorBox ?? Box;

    /// <summary>A BlazeFace keypoint (the painter's geometry).</summary>
    public Point2f this[FaceKeypoint keypoint] => Keypoints[(int)keypoint];
}
