using FaceMask.Training.Detection;
using OpenCvSharp;

namespace FaceMask.Training.Painting;

/// <summary>
/// Where a face's features are in an image, as the painter needs them: the face box, both eyes, the nose
/// tip, the mouth centre and both ears, in pixels. It defines a face frame: the origin between the eyes,
/// the u axis along the eye line (towards the eye on the image's right), the v axis perpendicular
/// to it pointing down the face, both in units of the eye distance, so a mask drawn in face
/// coordinates follows the face's size, roll and position.
/// </summary>
public sealed record FaceGeometry(Rect2f Box, Point2f ImageLeftEye, Point2f ImageRightEye, Point2f NoseTip, Point2f Mouth, Point2f ImageLeftEar, Point2f ImageRightEar, bool Detected)
{
    /// <summary>
    /// Keypoints of the dataset's aligned <c>without_mask</c> portraits as fractions of the image side
    /// (medians of BlazeFace on 400 of them, SharedDatasetTests): used where no face is found.
    /// </summary>
    private static readonly Rect2f AlignedBox = new(0.035f, 0.12f, 0.94f, 0.94f);

    private static readonly (float X, float Y)[] AlignedPortrait =
    [
        (0.300f, 0.398f), (0.695f, 0.398f), (0.500f, 0.625f), (0.500f, 0.815f), (0.105f, 0.465f), (0.905f, 0.465f),
    ];

    /// <summary>Least detector confidence to trust a face's keypoints over the aligned-portrait fallback.</summary>
    public const float MinDetectionScore = 0.5f;

    public Point2f EyeCentre => new((ImageLeftEye.X + ImageRightEye.X) / 2, (ImageLeftEye.Y + ImageRightEye.Y) / 2);

    /// <summary>The unit of face coordinates: the distance between the eyes in pixels.</summary>
    public float EyeDistance => (float)Math.Max(1e-3, Math.Sqrt(Sq(ImageRightEye.X - ImageLeftEye.X) + Sq(ImageRightEye.Y - ImageLeftEye.Y)));

    /// <summary>The image point at face coordinates (u, v).</summary>
    public Point2f ToImage(double u, double v)
    {
        var d = EyeDistance;
        var (ax, ay) = ((ImageRightEye.X - ImageLeftEye.X) / d, (ImageRightEye.Y - ImageLeftEye.Y) / d);
        var centre = EyeCentre;
        return new Point2f((float)(centre.X + (d * ((u * ax) - (v * ay)))), (float)(centre.Y + (d * ((u * ay) + (v * ax)))));
    }

    /// <summary>Face coordinates (u, v) of an image point.</summary>
    public (double U, double V) ToFace(Point2f point)
    {
        var d = EyeDistance;
        var (ax, ay) = ((ImageRightEye.X - ImageLeftEye.X) / d, (ImageRightEye.Y - ImageLeftEye.Y) / d);
        var (dx, dy) = ((point.X - EyeCentre.X) / d, (point.Y - EyeCentre.Y) / d);
        return ((dx * ax) + (dy * ay), (-dx * ay) + (dy * ax));
    }

    /// <summary>The face's in-plane rotation in degrees (the eye line's angle to the horizontal).</summary>
    public double RollDegrees => Math.Atan2(ImageRightEye.Y - ImageLeftEye.Y, ImageRightEye.X - ImageLeftEye.X) * 180 / Math.PI;

    /// <summary>From BlazeFace's keypoints (the person's right eye is on the image's left for a frontal face).</summary>
    public static FaceGeometry FromDetection(FaceDetection face) => new(
        face.Box, face[FaceKeypoint.RightEye], face[FaceKeypoint.LeftEye], face[FaceKeypoint.NoseTip], face[FaceKeypoint.Mouth],
        face[FaceKeypoint.RightEar], face[FaceKeypoint.LeftEar], Detected: true);

    /// <summary>The fallback: where the features of the dataset's aligned portraits are, scaled to an image.</summary>
    public static FaceGeometry Aligned(int width, int height)
    {
        Point2f At(int k) => new(AlignedPortrait[k].X * width, AlignedPortrait[k].Y * height);
        var box = new Rect2f(AlignedBox.X * width, AlignedBox.Y * height, AlignedBox.Width * width, AlignedBox.Height * height);
        return new FaceGeometry(box, At(0), At(1), At(2), At(3), At(4), At(5), Detected: false);
    }

    /// <summary>
    /// The most confident face the detector finds in a face crop, or the aligned-portrait geometry
    /// when it finds none (or no detector is given).
    /// </summary>
    public static FaceGeometry Locate(Mat bgr, BlazeFaceDetector? detector)
    {
        var face = detector?.Detect(bgr, MinDetectionScore) is [var first, ..] ? first : null;
        return face is null ? Aligned(bgr.Width, bgr.Height) : FromDetection(face);
    }

    /// <summary>The same geometry in an image resized by <paramref name="scale"/>.</summary>
    public FaceGeometry Scaled(float scale)
    {
        Point2f S(Point2f p) => new(p.X * scale, p.Y * scale);
        return new FaceGeometry(new Rect2f(Box.X * scale, Box.Y * scale, Box.Width * scale, Box.Height * scale), S(ImageLeftEye), S(ImageRightEye), S(NoseTip), S(Mouth), S(ImageLeftEar), S(ImageRightEar), Detected);
    }

    /// <summary>The same geometry in an image shifted by (dx, dy): a crop's or a canvas's coordinates.</summary>
    public FaceGeometry Translated(float dx, float dy)
    {
        Point2f T(Point2f p) => new(p.X + dx, p.Y + dy);
        return new FaceGeometry(new Rect2f(Box.X + dx, Box.Y + dy, Box.Width, Box.Height), T(ImageLeftEye), T(ImageRightEye), T(NoseTip), T(Mouth), T(ImageLeftEar), T(ImageRightEar), Detected);
    }

    private static double Sq(double x) => x * x;
}
