using FaceMask.Training.Imaging;
using OpenCvSharp;

namespace FaceMask.Training.Learning;

/// <summary>
/// Training augmentation aimed at the dataset's shortcuts: the incorrectly-worn class is mostly
/// small, dim, blurry crops and the no-mask class well-lit portraits, so a model could learn
/// exposure, sharpness and framing instead of masks. Every image therefore gets random framing
/// (crop, scale, small rotation, mirror), exposure (brightness, contrast, gamma, colour cast),
/// and, often, camera degradation (blur, down-and-up scaling, JPEG re-compression).
/// Deterministic for a seed, so a run can be repeated.
/// </summary>
public sealed class Augmenter(Preprocessing spec)
{
    /// <summary>Augments one stored BGR image and writes it as network input.</summary>
    public void Write(Mat source, int seed, Span<float> destination)
    {
        var random = new Random(seed);
        using var framed = Frame(source, random);
        Expose(framed, random);
        Degrade(framed, random);
        ImagePreprocessor.WriteInput(framed, spec, destination);
    }

    private Mat Frame(Mat source, Random random)
    {
        // Crop 75-100% of the side, aspect 0.9-1.1, rotate +-12 degrees, mirror half the time: one affine warp.
        var side = source.Width;
        var scale = Uniform(random, 0.75, 1.0);
        var aspect = Uniform(random, 0.9, 1.1);
        var cropWidth = side * scale * Math.Sqrt(aspect);
        var cropHeight = side * scale / Math.Sqrt(aspect);
        var centerX = (side / 2.0) + Uniform(random, -1, 1) * Math.Max(0, side - cropWidth) / 2;
        var centerY = (side / 2.0) + Uniform(random, -1, 1) * Math.Max(0, side - cropHeight) / 2;
        var angle = Uniform(random, -12, 12) * Math.PI / 180;
        var (sx, sy) = (spec.Width / cropWidth, spec.Height / cropHeight);
        var mirror = random.NextDouble() < 0.5 ? -1 : 1;
        var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));

        // Maps source pixels to output pixels: translate the crop centre to the origin, rotate, scale, mirror, move to the output centre.
        var a = mirror * sx * cos;
        var b = mirror * sx * sin;
        var c = -sy * sin;
        var d = sy * cos;
        using var matrix = new Mat(2, 3, MatType.CV_64FC1);
        matrix.Set(0, 0, a);
        matrix.Set(0, 1, b);
        matrix.Set(0, 2, (spec.Width / 2.0) - (a * centerX) - (b * centerY));
        matrix.Set(1, 0, c);
        matrix.Set(1, 1, d);
        matrix.Set(1, 2, (spec.Height / 2.0) - (c * centerX) - (d * centerY));
        var framed = new Mat();
        Cv2.WarpAffine(source, framed, matrix, new Size(spec.Width, spec.Height), InterpolationFlags.Linear, BorderTypes.Reflect101);
        return framed;
    }

    private static void Expose(Mat image, Random random)
    {
        // Contrast and brightness, then gamma, then a mild colour cast; grey now and then.
        image.ConvertTo(image, MatType.CV_8UC3, Uniform(random, 0.6, 1.4), Uniform(random, -40, 40));
        if (random.NextDouble() < 0.5)
        {
            var gamma = Uniform(random, 0.6, 1.6);
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
            using var grey = image.CvtColor(ColorConversionCodes.BGR2GRAY);
            Cv2.CvtColor(grey, image, ColorConversionCodes.GRAY2BGR);
        }
    }

    private static void Degrade(Mat image, Random random)
    {
        if (random.NextDouble() < 0.3)
        {
            Cv2.GaussianBlur(image, image, new Size(0, 0), Uniform(random, 0.4, 1.6));
        }

        if (random.NextDouble() < 0.3)
        {
            // Down-and-up scaling: the look of a small face crop enlarged.
            var factor = Uniform(random, 0.3, 0.75);
            using var small = new Mat();
            Cv2.Resize(image, small, new Size(Math.Max(4, (int)(image.Width * factor)), Math.Max(4, (int)(image.Height * factor))), 0, 0, InterpolationFlags.Area);
            Cv2.Resize(small, image, image.Size(), 0, 0, InterpolationFlags.Linear);
        }

        if (random.NextDouble() < 0.3)
        {
            Cv2.ImEncode(".jpg", image, out var jpeg, [(int)ImwriteFlags.JpegQuality, random.Next(20, 90)]);
            using var decoded = Cv2.ImDecode(jpeg, ImreadModes.Color);
            decoded.CopyTo(image);
        }
    }

    private static double Uniform(Random random, double min, double max) => min + (random.NextDouble() * (max - min));
}
