using FaceMask.Training.Common;
using FaceMask.Training.Detection;
using FaceMask.Training.Painting;
using OpenCvSharp;

namespace FaceMask.Training.Learning;

/// <summary>
/// One change of conditions the robustness report evaluates under: a function from a labelled face
/// image (with its geometry) to the images it becomes, each with its class. Most shifts map one
/// image to one image of the same class; a painting shift (<see cref="Paints"/>) maps a no-mask face
/// to itself and a masked copy, and needs the three classes painting makes.
/// </summary>
public sealed record Shift(string Name, string Description, bool Paints, Func<ShiftInput, IEnumerable<(Mat Image, string Class)>> Apply);

/// <summary>An image to shift: its pixels (not to be modified), class, face geometry, and a seed for shifts that draw.</summary>
public sealed record ShiftInput(Mat Image, string Class, FaceGeometry Face, int Seed);

/// <summary>
/// The shifts of the robustness report: framing (zoomed out, the detector's box widened and as is), exposure,
/// blur, colour, compression, and masks painted onto test-split no-mask faces. Each is fixed (no
/// randomness but the painter's seeded style), so a report can be repeated.
/// </summary>
public static class Shifts
{
    /// <summary>The face crop fills this much of a zoomed-out frame: loosely framed portraits.</summary>
    public const double ZoomOutFill = 0.6;

    /// <summary>The detector's box widened by this much: the framing serving gives a detected face (<see cref="FaceCrop"/>).</summary>
    public const double DetectorWidening = FaceCrop.BlazeFaceWidening;

    public static IReadOnlyList<Shift> All { get; } =
    [
        Same("as_is", "the images as they are", image => image.Clone()),
        Same("zoom_out", $"face crop filling {ZoomOutFill:0%} of the frame, the rest reflected", (image, _) => ZoomOut(image)),
        Same("detector_framing", $"cropped to the BlazeFace box widened {DetectorWidening - 1:0%}, as serving frames a detected face", (image, face) => Square(image, face.Box, DetectorWidening)),
        Same("detector_tight", "cropped to the BlazeFace box itself: chin and forehead partly cut", (image, face) => Square(image, face.Box, 1)),
        Same("dark", "pixel values x0.45", image => Scaled(image, 0.45, 0)),
        Same("bright", "pixel values x1.4 + 40", image => Scaled(image, 1.4, 40)),
        Same("blur", "Gaussian blur, sigma 2% of the side", image =>
        {
            var blurred = new Mat();
            Cv2.GaussianBlur(image, blurred, new Size(0, 0), image.Width * 0.02);
            return blurred;
        }),
        Same("greyscale", "grey, as three equal channels", image =>
        {
            using var grey = image.CvtColor(ColorConversionCodes.BGR2GRAY);
            return grey.CvtColor(ColorConversionCodes.GRAY2BGR);
        }),
        Same("jpeg_q20", "re-compressed as JPEG at quality 20", image =>
        {
            Cv2.ImEncode(".jpg", image, out var jpeg, [(int)ImwriteFlags.JpegQuality, 20]);
            return Cv2.ImDecode(jpeg, ImreadModes.Color);
        }),
        new("painted", "the no-mask faces as they are, and each painted with a mask over the nose, below it or on the chin (in turn)", Paints: true, input => Painted(input, zoomOut: false)),
        new("painted_zoom_out", $"the painted set, zoomed out (face crop filling {ZoomOutFill:0%} of the frame)", Paints: true, input => Painted(input, zoomOut: true)),
    ];

    /// <summary>Positions used in turn for painted test faces.</summary>
    private static readonly FacePaint[] PaintOrder = [FacePaint.OverNose, FacePaint.BelowNose, FacePaint.OnChin];

    private static Shift Same(string name, string description, Func<Mat, Mat> transform) => Same(name, description, (image, _) => transform(image));

    private static Shift Same(string name, string description, Func<Mat, FaceGeometry, Mat> transform) =>
        new(name, description, Paints: false, input => [(transform(input.Image, input.Face), input.Class)]);

    private static IEnumerable<(Mat Image, string Class)> Painted(ShiftInput input, bool zoomOut)
    {
        if (input.Class != MaskClasses.WithoutMask)
        {
            yield break; // painted rows are made from no-mask faces only
        }

        var paint = PaintOrder[input.Seed % PaintOrder.Length];
        yield return (zoomOut ? ZoomOut(input.Image) : input.Image.Clone(), input.Class);

        // Painted on a reflected canvas, so a mask can reach past the crop's edge, then framed.
        var pad = input.Image.Width / 2;
        using var canvas = new Mat();
        Cv2.CopyMakeBorder(input.Image, canvas, pad, pad, pad, pad, BorderTypes.Reflect101);
        var className = FacePainting.Apply(canvas, input.Face.Translated(pad, pad), paint, new Random(Seeds.Mix(input.Seed, (int)paint, 0x5eed)));
        var side = zoomOut ? input.Image.Width / ZoomOutFill : input.Image.Width;
        var centre = pad + (input.Image.Width / 2.0);
        yield return (Square(canvas, new Rect2f((float)(centre - (side / 2)), (float)(centre - (side / 2)), (float)side, (float)side), 1), className);
    }

    private static Mat ZoomOut(Mat image)
    {
        var side = image.Width / ZoomOutFill;
        var offset = (float)((side - image.Width) / 2);
        return Square(image, new Rect2f(-offset, -offset, (float)side, (float)side), 1);
    }

    /// <summary>A square crop around a box's centre, its side the box's larger side times <paramref name="widening"/>, reflected past the edges, at the source's resolution.</summary>
    public static Mat Square(Mat image, Rect2f box, double widening)
    {
        var side = Math.Max(box.Width, box.Height) * widening;
        var (centreX, centreY) = (box.X + (box.Width / 2.0), box.Y + (box.Height / 2.0));
        var outputSide = Math.Max(8, (int)Math.Round(side));
        var scale = outputSide / side;
        using var matrix = new Mat(2, 3, MatType.CV_64FC1);
        matrix.Set(0, 0, scale);
        matrix.Set(0, 1, 0.0);
        matrix.Set(0, 2, (outputSide / 2.0) - (scale * centreX));
        matrix.Set(1, 0, 0.0);
        matrix.Set(1, 1, scale);
        matrix.Set(1, 2, (outputSide / 2.0) - (scale * centreY));
        var cropped = new Mat();
        Cv2.WarpAffine(image, cropped, matrix, new Size(outputSide, outputSide), InterpolationFlags.Linear, BorderTypes.Reflect101);
        return cropped;
    }

    private static Mat Scaled(Mat image, double gain, double offset)
    {
        var scaled = new Mat();
        image.ConvertTo(scaled, MatType.CV_8UC3, gain, offset);
        return scaled;
    }
}
