namespace FaceMask.Training.Detection;

/// <summary>BlazeFace's keypoints, in its output order. "Right" is the person's right: the left side of the image for a frontal face.</summary>
public enum FaceKeypoint
{
    RightEye,
    LeftEye,
    NoseTip,
    Mouth,
    RightEar,
    LeftEar,
}
