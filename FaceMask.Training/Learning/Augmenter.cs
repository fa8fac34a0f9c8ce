using FaceMask.Training.Imaging;
using FaceMask.Training.Painting;
using OpenCvSharp;

namespace FaceMask.Training.Learning;

/// <summary>How an augmented image is framed around its face.</summary>
public enum Framing
{
    /// <summary>The dataset's own tight crop, cropped a little further.</summary>
    Tight,

    /// <summary>Zoomed out: the original crop fills 55-100% of the frame, the rest reflected or borrowed background.</summary>
    ZoomOut,

    /// <summary>What serving will see: the detector's face box, as it is or widened by up to 30% (serving widens it 20-30%).</summary>
    Detector,
}

/// <summary>
/// Training augmentation aimed at the dataset's shortcuts. The incorrectly-worn class is mostly
/// small, dim, blurry tight crops and the no-mask class sharp, well-lit portraits, so a model could
/// learn exposure, sharpness and framing instead of masks. So every image is
/// <list type="number">
/// <item>placed on a larger canvas (reflected, or another image's blurred background) and painted on
/// when the sample is a painted one (<see cref="FacePainting"/>), so a mask can reach past the crop;</item>
/// <item>framed tight, zoomed out or as the detector frames it, rotated and mirrored (one affine warp);</item>
/// <item>brought to a random target brightness, whatever its own (so brightness says nothing about the
/// class), with contrast, gamma and colour cast;</item>
/// <item>sharpened or blurred depending on its own sharpness (blurry images are often sharpened, sharp
/// ones often blurred), and sometimes degraded (down-and-up scaling, JPEG, grain).</item>
/// </list>
/// Deterministic for a seed, so a run can be repeated.
/// </summary>
public sealed class Augmenter(Preprocessing spec)
{
    /// <summary>Laplacian variance (64 px grey) below which an image counts as blurry; the dataset's incorrect class has a median of 14, the others 61 and 274.</summary>
    private const double BlurryBelow = 40;

    /// <summary>Augments one stored BGR image (with its face geometry; painted when <paramref name="paint"/> is given) and writes it as network input.</summary>
    public void Write(Mat source, FaceGeometry face, FacePaint? paint, Mat? background, int seed, Span<float> destination)
    {
        var random = new Random(seed);
        var framing = PickFraming(random);

        // A tight frame stays inside the crop: no canvas needed (the cheap common case). Others reach past it.
        var pad = framing == Framing.Tight ? 0 : source.Width / 2;
        using var canvas = pad == 0 ? source.Clone() : Canvas(source, framing == Framing.ZoomOut ? background : null, pad, random);
        var placed = face.Translated(pad, pad);
        if (paint is { } chosen)
        {
            FacePainting.Apply(canvas, placed, chosen, random);
        }

        using var framed = Frame(canvas, placed, new Rect(pad, pad, source.Width, source.Height), framing, random);
        Expose(framed, random);
        Sharpness(framed, random);
        ImagePreprocessor.WriteInput(framed, spec, destination);
    }

    private static Framing PickFraming(Random random) => random.NextDouble() switch
    {
        < 0.4 => Framing.Tight,
        < 0.75 => Framing.ZoomOut,
        _ => Framing.Detector,
    };

    /// <summary>The image in the middle of a canvas <paramref name="pad"/> wider on each side.</summary>
    private static Mat Canvas(Mat source, Mat? background, int pad, Random random)
    {
        var canvas = new Mat();
        Cv2.CopyMakeBorder(source, canvas, pad, pad, pad, pad, BorderTypes.Reflect101);
        if (background is null || random.NextDouble() < 0.5)
        {
            return canvas;
        }

        // Borrowed background: another photo, enlarged and defocused, the face crop blended in with a soft edge.
        using var behind = new Mat();
        Cv2.Resize(background, behind, canvas.Size(), 0, 0, InterpolationFlags.Linear);
        Cv2.GaussianBlur(behind, behind, new Size(0, 0), 1 + (random.NextDouble() * 3));
        using var weight = new Mat(canvas.Size(), MatType.CV_32FC1, Scalar.All(0));
        weight[new Rect(pad, pad, source.Width, source.Height)].SetTo(Scalar.All(1));
        Cv2.GaussianBlur(weight, weight, new Size(0, 0), Math.Max(1, source.Width * 0.05));
        using var weight3 = weight.CvtColor(ColorConversionCodes.GRAY2BGR);
        using var inverse = new Mat();
        Cv2.Subtract(Scalar.All(1), weight3, inverse);
        using var front = new Mat();
        using var back = new Mat();
        canvas.ConvertTo(front, MatType.CV_32FC3);
        behind.ConvertTo(back, MatType.CV_32FC3);
        Cv2.Multiply(front, weight3, front);
        Cv2.Multiply(back, inverse, back);
        Cv2.Add(front, back, front);
        front.ConvertTo(canvas, MatType.CV_8UC3);
        return canvas;
    }

    private Mat Frame(Mat canvas, FaceGeometry face, Rect original, Framing framing, Random random)
    {
        var (centreX, centreY) = (original.X + (original.Width / 2.0), original.Y + (original.Height / 2.0));
        double side;
        switch (framing)
        {
            case Framing.Tight:
                side = original.Width * Uniform(random, 0.75, 1.0);
                centreX += Uniform(random, -1, 1) * (original.Width - side) / 2;
                centreY += Uniform(random, -1, 1) * (original.Height - side) / 2;
                break;
            case Framing.ZoomOut:
                side = original.Width / Uniform(random, 0.55, 1.0);
                centreX += Uniform(random, -0.25, 0.25) * (side - original.Width);
                centreY += Uniform(random, -0.25, 0.25) * (side - original.Height);
                break;
            default:
                side = Math.Max(face.Box.Width, face.Box.Height) * Uniform(random, 1.0, 1.3);
                centreX = face.Box.X + (face.Box.Width / 2) + (Uniform(random, -0.05, 0.05) * side);
                centreY = face.Box.Y + (face.Box.Height / 2) + (Uniform(random, -0.05, 0.05) * side);
                break;
        }

        // Aspect 0.9-1.1, rotate +-12 degrees, mirror half the time: one affine warp.
        var aspect = Uniform(random, 0.9, 1.1);
        var cropWidth = side * Math.Sqrt(aspect);
        var cropHeight = side / Math.Sqrt(aspect);
        var angle = Uniform(random, -12, 12) * Math.PI / 180;
        var (sx, sy) = (spec.Width / cropWidth, spec.Height / cropHeight);
        var mirror = random.NextDouble() < 0.5 ? -1 : 1;
        var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));

        // Maps canvas pixels to output pixels: translate the crop centre to the origin, rotate, scale, mirror, move to the output centre.
        var a = mirror * sx * cos;
        var b = mirror * sx * sin;
        var c = -sy * sin;
        var d = sy * cos;
        using var matrix = new Mat(2, 3, MatType.CV_64FC1);
        matrix.Set(0, 0, a);
        matrix.Set(0, 1, b);
        matrix.Set(0, 2, (spec.Width / 2.0) - (a * centreX) - (b * centreY));
        matrix.Set(1, 0, c);
        matrix.Set(1, 1, d);
        matrix.Set(1, 2, (spec.Height / 2.0) - (c * centreX) - (d * centreY));
        var framed = new Mat();
        var shrinking = cropWidth > spec.Width * 1.5;
        if (shrinking)
        {
            // Large downscales alias with a plain warp; smooth first, as an area resize would.
            using var smoothed = new Mat();
            Cv2.GaussianBlur(canvas, smoothed, new Size(0, 0), 0.4 * cropWidth / spec.Width);
            Cv2.WarpAffine(smoothed, framed, matrix, new Size(spec.Width, spec.Height), InterpolationFlags.Linear, BorderTypes.Reflect101);
        }
        else
        {
            Cv2.WarpAffine(canvas, framed, matrix, new Size(spec.Width, spec.Height), InterpolationFlags.Linear, BorderTypes.Reflect101);
        }

        return framed;
    }

    private static void Expose(Mat image, Random random)
    {
        // A target brightness drawn independently of the image: dim images are brightened as often as bright ones are dimmed.
        using var grey = image.CvtColor(ColorConversionCodes.BGR2GRAY);
        var mean = Math.Max(8, grey.Mean().Val0);
        var target = Uniform(random, 55, 190);
        var contrast = Uniform(random, 0.7, 1.3);
        var gain = Math.Clamp(target / mean, 0.35, 3.0);

        // Contrast around the target: pixel * gain, spread about the target by the contrast.
        image.ConvertTo(image, MatType.CV_8UC3, gain * contrast, target * (1 - contrast));
        if (random.NextDouble() < 0.4)
        {
            var gamma = Uniform(random, 0.7, 1.4);
            using var table = new Mat(1, 256, MatType.CV_8UC1);
            var entries = table.AsSpan<byte>();
            for (var v = 0; v < 256; v++)
            {
                entries[v] = (byte)Math.Clamp(Math.Round(255 * Math.Pow(v / 255.0, gamma)), 0, 255);
            }

            Cv2.LUT(image, table, image);
        }

        Cv2.Multiply(image, new Scalar(Uniform(random, 0.85, 1.15), Uniform(random, 0.9, 1.1), Uniform(random, 0.85, 1.15)), image);
        if (random.NextDouble() < 0.1)
        {
            using var gray = image.CvtColor(ColorConversionCodes.BGR2GRAY);
            Cv2.CvtColor(gray, image, ColorConversionCodes.GRAY2BGR);
        }
    }

    private static void Sharpness(Mat image, Random random)
    {
        // Blurry images are sharpened often and blurred rarely; sharp ones the other way round.
        var blurry = Sharpness(image) < BlurryBelow;
        var roll = random.NextDouble();
        if (roll < (blurry ? 0.6 : 0.15))
        {
            using var soft = new Mat();
            Cv2.GaussianBlur(image, soft, new Size(0, 0), Uniform(random, 0.8, 1.5));
            var amount = Uniform(random, 0.5, 1.8);
            Cv2.AddWeighted(image, 1 + amount, soft, -amount, 0, image);
        }
        else if (roll < (blurry ? 0.75 : 0.6))
        {
            if (random.NextDouble() < 0.5)
            {
                Cv2.GaussianBlur(image, image, new Size(0, 0), Uniform(random, 0.4, 1.3));
            }
            else
            {
                // Down-and-up scaling: the look of a small face crop enlarged.
                var factor = Uniform(random, 0.35, 0.75);
                using var small = new Mat();
                Cv2.Resize(image, small, new Size(Math.Max(4, (int)(image.Width * factor)), Math.Max(4, (int)(image.Height * factor))), 0, 0, InterpolationFlags.Area);
                Cv2.Resize(small, image, image.Size(), 0, 0, InterpolationFlags.Linear);
            }
        }

        if (random.NextDouble() < 0.25)
        {
            Cv2.ImEncode(".jpg", image, out var jpeg, [(int)ImwriteFlags.JpegQuality, random.Next(20, 90)]);
            using var decoded = Cv2.ImDecode(jpeg, ImreadModes.Color);
            decoded.CopyTo(image);
        }

        if (random.NextDouble() < 0.15)
        {
            // Sensor grain, from this image's own generator (OpenCV's shared one is not per-thread deterministic).
            var sigma = Uniform(random, 2, 7);
            var pixels = image.AsSpan<byte>();
            for (var i = 0; i < pixels.Length; i++)
            {
                var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                pixels[i] = (byte)Math.Clamp(pixels[i] + (gaussian * sigma), 0, 255);
            }
        }
    }

    /// <summary>Variance of the Laplacian of the grey image: low for blurry images.</summary>
    public static double Sharpness(Mat bgr)
    {
        using var grey = bgr.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var laplacian = new Mat();
        Cv2.Laplacian(grey, laplacian, MatType.CV_64F);
        Cv2.MeanStdDev(laplacian, out _, out var deviation);
        return deviation.Val0 * deviation.Val0;
    }

    private static double Uniform(Random random, double min, double max) => min + (random.NextDouble() * (max - min));
}
