using FaceMask.Training.Common;
using FaceMask.Training.Imaging;
using OpenCvSharp;

namespace FaceMask.Training.Synthetic;

/// <summary>How a synthetic face wears its mask; each maps to one of the dataset's class folders.</summary>
public enum MaskState
{
    /// <summary>Mask over nose and mouth: <c>with_mask</c>.</summary>
    Correct,

    /// <summary>Mask below the nose or down on the chin: <c>mask_weared_incorrect</c>.</summary>
    Incorrect,

    /// <summary>No mask: <c>without_mask</c>.</summary>
    None,
}

/// <summary>
/// Draws simple procedural faces (skin tone, hair, eyes, nose, mouth; varied pose, scale, lighting,
/// background, blur) in the three mask states, so tests, benchmarks and demos run on real pixels
/// without a single real face in the repository. The same seed always draws the same picture.
/// </summary>
public static class SyntheticFaces
{
    public static string ClassName(MaskState state) => state switch
    {
        MaskState.Correct => MaskClasses.WithMask,
        MaskState.Incorrect => MaskClasses.Incorrect,
        MaskState.None => MaskClasses.WithoutMask,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    private static readonly Scalar[] SkinTones =
    [
        new(189, 224, 255), new(160, 200, 241), new(130, 175, 224), new(100, 145, 198),
        new(70, 110, 160), new(50, 80, 120), new(40, 60, 90),
    ];

    private static readonly Scalar[] HairColours =
    [
        new(20, 20, 20), new(30, 45, 70), new(40, 80, 130), new(90, 160, 210), new(120, 120, 120),
    ];

    private static readonly Scalar[] MaskColours =
    [
        new(235, 200, 150), new(245, 245, 245), new(30, 30, 30), new(200, 170, 240), new(170, 210, 160), new(200, 120, 60),
    ];

    /// <summary>Draws one face as a <paramref name="size"/> x <paramref name="size"/> BGR image; the caller disposes it.</summary>
    public static Mat Draw(MaskState state, int seed, int size = 128) => DrawWithLandmarks(state, seed, size).Image;

    /// <summary>Draws one face and says where its eyes, nose tip and mouth ended up (after pose and scaling), in pixels of the image.</summary>
    public static (Mat Image, SyntheticLandmarks Landmarks) DrawWithLandmarks(MaskState state, int seed, int size = 128)
    {
        var random = new Random(seed);
        const int Canvas = 256; // drawn at 256 px and shrunk: smooth edges without anti-aliasing tricks
        var image = new Mat(Canvas, Canvas, MatType.CV_8UC3);
        DrawBackground(image, random);

        var scale = Uniform(random, 0.75, 1.1);
        var rx = 62 * scale;
        var ry = rx * Uniform(random, 1.2, 1.35);
        var center = new Point2d(Canvas / 2.0 + Uniform(random, -14, 14), Canvas / 2.0 + Uniform(random, -10, 16));
        var skin = Jitter(random, SkinTones[random.Next(SkinTones.Length)], 12);
        var hair = HairColours[random.Next(HairColours.Length)];

        // Hair behind the head, ears, then the face.
        Cv2.Ellipse(image, P(center.X, center.Y - ry * 0.15), S(rx * 1.12, ry * 1.0), 0, 180, 360, hair, -1, LineTypes.AntiAlias);
        foreach (var side in new[] { -1, 1 })
        {
            Cv2.Ellipse(image, P(center.X + side * rx * 0.97, center.Y - ry * 0.02), S(rx * 0.16, ry * 0.2), 0, 0, 360, Shade(skin, 0.9), -1, LineTypes.AntiAlias);
        }

        Cv2.Ellipse(image, P(center.X, center.Y), S(rx, ry), 0, 0, 360, skin, -1, LineTypes.AntiAlias);
        Cv2.Ellipse(image, P(center.X, center.Y - ry * 0.72), S(rx * 0.98, ry * 0.38), 0, 180, 360, hair, -1, LineTypes.AntiAlias);

        // Looking slightly sideways: features shift together.
        var look = Uniform(random, -0.12, 0.12) * rx;
        var eyeY = center.Y - ry * 0.12;
        foreach (var side in new[] { -1, 1 })
        {
            var eyeX = center.X + look + side * rx * 0.4;
            Cv2.Ellipse(image, P(eyeX, eyeY), S(rx * 0.17, ry * 0.07), 0, 0, 360, new Scalar(240, 240, 240), -1, LineTypes.AntiAlias);
            Cv2.Circle(image, P(eyeX + look * 0.2, eyeY), (int)(rx * 0.07), Jitter(random, new Scalar(60, 70, 90), 30), -1, LineTypes.AntiAlias);
            Cv2.Circle(image, P(eyeX + look * 0.2, eyeY), (int)(rx * 0.03), new Scalar(10, 10, 10), -1, LineTypes.AntiAlias);
            Cv2.Line(image, P(eyeX - rx * 0.18, eyeY - ry * 0.13), P(eyeX + rx * 0.18, eyeY - ry * (0.13 + side * 0.01)), Shade(hair, 1.1), (int)Math.Max(2, rx * 0.06), LineTypes.AntiAlias);
        }

        var noseTipY = center.Y + ry * 0.2;
        Point[] nose = [P(center.X + look, eyeY + ry * 0.05), P(center.X + look - rx * 0.12, noseTipY), P(center.X + look + rx * 0.12, noseTipY)];
        Cv2.FillConvexPoly(image, nose, Shade(skin, 0.82), LineTypes.AntiAlias);
        foreach (var side in new[] { -1, 1 })
        {
            Cv2.Circle(image, P(center.X + look + side * rx * 0.06, noseTipY - 2), (int)Math.Max(2, rx * 0.03), Shade(skin, 0.5), -1, LineTypes.AntiAlias);
        }

        var mouthY = center.Y + ry * 0.45;
        var smile = Uniform(random, 0, 1) < 0.5;
        Cv2.Ellipse(image, P(center.X + look, mouthY), S(rx * 0.3, ry * (smile ? 0.1 : 0.05)), 0, smile ? 0 : 180, smile ? 180 : 360,
            Jitter(random, new Scalar(70, 60, 170), 25), (int)Math.Max(3, rx * 0.07), LineTypes.AntiAlias);

        if (state != MaskState.None)
        {
            var onChin = state == MaskState.Incorrect && random.NextDouble() < 0.3;
            var top = state switch
            {
                MaskState.Correct => eyeY + ry * Uniform(random, 0.1, 0.16), // over the bridge of the nose
                _ when onChin => mouthY + ry * 0.12,                       // pulled down to the chin
                _ => noseTipY + ry * Uniform(random, 0.03, 0.08),           // under the nose
            };
            DrawMask(image, random, center, rx, ry, top, look);
        }

        Cv2.Ellipse(image, P(center.X, center.Y), S(rx, ry), 0, 0, 360, Shade(skin, 0.75), 1, LineTypes.AntiAlias);

        // Pose, lighting and camera: rotation, exposure and colour cast, blur, sensor noise.
        using var rotation = Cv2.GetRotationMatrix2D(new Point2f((float)center.X, (float)center.Y), Uniform(random, -18, 18), Uniform(random, 0.9, 1.1));
        using var posed = new Mat();
        Cv2.WarpAffine(image, posed, rotation, image.Size(), InterpolationFlags.Linear, BorderTypes.Reflect101);
        var gain = Uniform(random, 0.45, 1.25);
        posed.ConvertTo(image, MatType.CV_8UC3, gain, Uniform(random, -25, 25));
        Cv2.Multiply(image, new Scalar(Uniform(random, 0.85, 1.15), Uniform(random, 0.9, 1.1), Uniform(random, 0.85, 1.15)), image);
        var blur = Uniform(random, 0, 3);
        if (blur > 0.5)
        {
            Cv2.GaussianBlur(image, image, new Size(0, 0), blur);
        }

        var result = new Mat();
        Cv2.Resize(image, result, new Size(size, size), 0, 0, InterpolationFlags.Area);
        image.Dispose();
        AddSensorNoise(result, random);

        // Where the features went: the pose rotation, then the shrink to the output size.
        var factor = (double)size / Canvas;
        Point2f Posed(double x, double y) => new(
            (float)(((rotation.At<double>(0, 0) * x) + (rotation.At<double>(0, 1) * y) + rotation.At<double>(0, 2)) * factor),
            (float)(((rotation.At<double>(1, 0) * x) + (rotation.At<double>(1, 1) * y) + rotation.At<double>(1, 2)) * factor));
        var landmarks = new SyntheticLandmarks(
            Posed(center.X + look - (rx * 0.4), eyeY),
            Posed(center.X + look + (rx * 0.4), eyeY),
            Posed(center.X + look, noseTipY),
            Posed(center.X + look, mouthY));
        return (result, landmarks);
    }

    /// <summary>Writes <paramref name="perClass"/> JPEG faces per state into <c>root/&lt;class&gt;/</c>; returns the paths.</summary>
    public static IReadOnlyList<string> WriteDataset(string root, int perClass, int seed, int size = 128)
    {
        var paths = new List<string>();
        foreach (var state in Enum.GetValues<MaskState>())
        {
            var directory = Path.Combine(root, ClassName(state));
            Directory.CreateDirectory(directory);
            for (var i = 0; i < perClass; i++)
            {
                var faceSeed = FaceSeed(seed, state, i);
                using var face = Draw(state, faceSeed, size);
                var path = Path.Combine(directory, $"synthetic-{seed}-{i:D5}.jpg");
                File.WriteAllBytes(path, Encode(face, ImageFormat.Jpeg));
                paths.Add(path);
            }
        }

        return paths;
    }

    /// <summary>Encodes an image in one of the accepted formats (JPEG quality 92, lossy WebP 90).</summary>
    public static byte[] Encode(Mat image, ImageFormat format)
    {
        var (extension, parameters) = format switch
        {
            ImageFormat.Jpeg => (".jpg", new[] { (int)ImwriteFlags.JpegQuality, 92 }),
            ImageFormat.Png => (".png", Array.Empty<int>()),
            ImageFormat.Bmp => (".bmp", Array.Empty<int>()),
            ImageFormat.WebP => (".webp", new[] { (int)ImwriteFlags.WebPQuality, 90 }),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        Cv2.ImEncode(extension, image, out var bytes, parameters);
        return bytes;
    }

    /// <summary>Uniform noise of up to +-6 per channel from the seeded generator (OpenCV's own RNG is global and unseeded).</summary>
    private static void AddSensorNoise(Mat image, Random random)
    {
        var pixels = image.AsSpan<byte>();
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(pixels[i] + random.Next(-6, 7), 0, 255);
        }
    }

    private static void DrawBackground(Mat image, Random random)
    {
        var top = RandomColour(random);
        var bottom = RandomColour(random);
        var (rows, cols) = (image.Rows, image.Cols);
        for (var y = 0; y < rows; y++)
        {
            var t = (double)y / rows;
            Cv2.Line(image, new Point(0, y), new Point(cols - 1, y), new Scalar(
                (top.Val0 * (1 - t)) + (bottom.Val0 * t),
                (top.Val1 * (1 - t)) + (bottom.Val1 * t),
                (top.Val2 * (1 - t)) + (bottom.Val2 * t)));
        }

        for (var i = random.Next(0, 6); i > 0; i--)
        {
            var corner = P(random.Next(cols), random.Next(rows));
            var colour = RandomColour(random);
            if (random.NextDouble() < 0.5)
            {
                Cv2.Rectangle(image, corner, P(corner.X + random.Next(20, 120), corner.Y + random.Next(20, 120)), colour, -1);
            }
            else
            {
                Cv2.Circle(image, corner, random.Next(10, 60), colour, -1, LineTypes.AntiAlias);
            }
        }
    }

    private static void DrawMask(Mat image, Random random, Point2d center, double rx, double ry, double top, double look)
    {
        var colour = Jitter(random, MaskColours[random.Next(MaskColours.Length)], 15);
        var bottom = center.Y + ry * Uniform(random, 0.88, 0.98);
        var halfTop = rx * 0.9;
        var halfBottom = rx * 0.55;
        Point[] outline =
        [
            P(center.X - halfTop, top + ry * 0.04), P(center.X + look, top - ry * 0.03), P(center.X + halfTop, top + ry * 0.04),
            P(center.X + rx * 0.95, (top + bottom) / 2), P(center.X + halfBottom, bottom), P(center.X + look, bottom + ry * 0.05),
            P(center.X - halfBottom, bottom), P(center.X - rx * 0.95, (top + bottom) / 2),
        ];
        Cv2.FillPoly(image, [outline], colour, LineTypes.AntiAlias);

        // Pleats and ear loops make it read as a mask rather than a patch of colour.
        var pleat = Shade(colour, 0.8);
        for (var k = 1; k <= 3; k++)
        {
            var y = top + (bottom - top) * k / 4.0;
            Cv2.Line(image, P(center.X - rx * 0.8, y), P(center.X + rx * 0.8, y), pleat, 2, LineTypes.AntiAlias);
        }

        foreach (var side in new[] { -1, 1 })
        {
            Cv2.Line(image, P(center.X + side * rx * 0.92, top + ry * 0.05), P(center.X + side * rx * 1.02, center.Y - ry * 0.1), Shade(colour, 0.9), 2, LineTypes.AntiAlias);
        }
    }

    /// <summary>The seed of face <paramref name="index"/> of a dataset drawn from <paramref name="seed"/>.</summary>
    public static int FaceSeed(int seed, MaskState state, int index) => Seeds.Mix(seed, (int)state, index);

    private static double Uniform(Random random, double min, double max) => min + random.NextDouble() * (max - min);

    private static Scalar RandomColour(Random random) => new(random.Next(256), random.Next(256), random.Next(256));

    private static Scalar Jitter(Random random, Scalar colour, int amount) => new(
        Math.Clamp(colour.Val0 + random.Next(-amount, amount + 1), 0, 255),
        Math.Clamp(colour.Val1 + random.Next(-amount, amount + 1), 0, 255),
        Math.Clamp(colour.Val2 + random.Next(-amount, amount + 1), 0, 255));

    private static Scalar Shade(Scalar colour, double factor) => new(
        Math.Clamp(colour.Val0 * factor, 0, 255), Math.Clamp(colour.Val1 * factor, 0, 255), Math.Clamp(colour.Val2 * factor, 0, 255));

    private static Point P(double x, double y) => new((int)Math.Round(x), (int)Math.Round(y));

    private static Size S(double width, double height) => new((int)Math.Round(width), (int)Math.Round(height));
}
