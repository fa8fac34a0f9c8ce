using OpenCvSharp;

namespace FaceMask.Training.Painting;

/// <summary>
/// Composites a drawn region onto a BGR face: the region's outline (image polygons) becomes a
/// soft-edged coverage map, and every covered pixel gets a colour computed in face coordinates,
/// so textures, folds and shading follow the face's size and roll. The colour is scaled by the
/// face's own exposure, and camera grain is added, so a painted region is as dim, bright or noisy
/// as the photo it is painted on.
/// </summary>
internal static class FaceLayer
{
    /// <summary>Colour (BGR, 0-255, before exposure) of the region at face coordinates (u, v); NaN in the first channel leaves the pixel as it is.</summary>
    public delegate Vec3f Shader(double u, double v);

    public static void Composite(Mat bgr, FaceGeometry face, IEnumerable<Point2f[]> polygons, Shader shader, double softness, double opacity, Random random)
    {
        if (bgr.Type() != MatType.CV_8UC3 || !bgr.IsContinuous())
        {
            throw new ArgumentException("Painting needs a continuous 8-bit BGR image.");
        }

        const int Shift = 4; // sub-pixel vertices: faces are small, a pixel matters
        using var coverage = new Mat(bgr.Size(), MatType.CV_8UC1, Scalar.Black);
        var points = polygons.Select(p => p.Select(q => new Point(q.X * (1 << Shift), q.Y * (1 << Shift)))).ToArray();
        Cv2.FillPoly(coverage, points, Scalar.White, LineTypes.AntiAlias, Shift);
        var sigma = Math.Max(0.3, softness * face.EyeDistance * 0.025);
        Cv2.GaussianBlur(coverage, coverage, new Size(0, 0), sigma);

        var exposure = Exposure(bgr, face);
        var grain = 1.5 + (random.NextDouble() * 4);
        var noise = new Random(random.Next());
        var pixels = bgr.AsSpan<byte>();
        var alpha = coverage.AsSpan<byte>();
        var width = bgr.Width;
        for (var i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] == 0)
            {
                continue;
            }

            var (u, v) = face.ToFace(new Point2f((i % width) + 0.5f, (i / width) + 0.5f));
            var colour = shader(u, v);
            if (float.IsNaN(colour.Item0))
            {
                continue; // the shader leaves this pixel uncovered
            }

            var a = alpha[i] / 255.0 * opacity;
            var offset = i * 3;
            var jitter = Gaussian(noise) * grain;
            pixels[offset] = Blend(pixels[offset], (colour.Item0 * exposure) + jitter, a);
            pixels[offset + 1] = Blend(pixels[offset + 1], (colour.Item1 * exposure) + jitter, a);
            pixels[offset + 2] = Blend(pixels[offset + 2], (colour.Item2 * exposure) + jitter, a);
        }
    }

    /// <summary>How bright the face is relative to a well-lit one (mean grey of its box vs 140), softened.</summary>
    public static double Exposure(Mat bgr, FaceGeometry face)
    {
        var box = new Rect((int)face.Box.X, (int)face.Box.Y, (int)face.Box.Width, (int)face.Box.Height).Intersect(new Rect(0, 0, bgr.Width, bgr.Height));
        if (box.Width < 2 || box.Height < 2)
        {
            box = new Rect(0, 0, bgr.Width, bgr.Height);
        }

        using var region = new Mat(bgr, box);
        var mean = region.Mean();
        var grey = (0.114 * mean.Val0) + (0.587 * mean.Val1) + (0.299 * mean.Val2);
        return Math.Clamp(Math.Pow(grey / 140.0, 0.8), 0.3, 1.25);
    }

    /// <summary>A point's colour from a pattern of <paramref name="style"/> at face coordinates.</summary>
    public static Vec3f Fabric(MaskStyle style, double u, double v)
    {
        var s = style.PatternScale;
        var usePattern = style.Pattern switch
        {
            MaskPattern.Stripes => Math.Abs((v / s) - Math.Floor(v / s) - 0.5) < 0.22,
            MaskPattern.Dots => Square((u / s) - Math.Round(u / s)) + Square((v / s) - Math.Round(v / s)) < 0.07,
            MaskPattern.Checks => ((int)Math.Floor(u / s) + (int)Math.Floor(v / s)) % 2 == 0,
            MaskPattern.Print => Math.Sin(u * 23 / s * 0.3) * Math.Sin(v * 19 / s * 0.3) > 0.55,
            _ => false,
        };
        var colour = usePattern ? style.PatternColour : style.Colour;
        return new Vec3f((float)colour.Val0, (float)colour.Val1, (float)colour.Val2);
    }

    public static Vec3f Scale(Vec3f colour, double factor) =>
        new((float)(colour.Item0 * factor), (float)(colour.Item1 * factor), (float)(colour.Item2 * factor));

    public static double Square(double x) => x * x;

    /// <summary>A bump of height 1 at <paramref name="centre"/> and the given width: folds, seams and ridges.</summary>
    public static double Ridge(double x, double centre, double width) => Math.Exp(-Square((x - centre) / width));

    private static byte Blend(byte under, double over, double alpha) => (byte)Math.Clamp(Math.Round((under * (1 - alpha)) + (over * alpha)), 0, 255);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
