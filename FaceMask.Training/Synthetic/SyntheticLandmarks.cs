using OpenCvSharp;

namespace FaceMask.Training.Synthetic;

/// <summary>Where a drawn face's features are, in pixels of the image: the eye on the image's left and right, the nose tip, the mouth centre.</summary>
public sealed record SyntheticLandmarks(Point2f ImageLeftEye, Point2f ImageRightEye, Point2f NoseTip, Point2f Mouth);
