using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using FaceMask.Training.Synthetic;
using OpenCvSharp;

namespace FaceMask.Tests.Support;

/// <summary>Images the tests draw themselves: synthetic faces and the kinds of copies real datasets contain.</summary>
public static class TestImages
{
    public static byte[] Face(MaskState state, int seed, ImageFormat format = ImageFormat.Jpeg, int size = 128)
    {
        using var face = SyntheticFaces.Draw(state, seed, size);
        return SyntheticFaces.Encode(face, format);
    }

    /// <summary>A horizontally mirrored copy.</summary>
    public static Mat Mirrored(Mat image) => image.Flip(FlipMode.Y);

    /// <summary>A brightness- and contrast-shifted copy, as dataset augmentation makes them.</summary>
    public static Mat Shifted(Mat image, double gain, double offset)
    {
        var shifted = new Mat();
        image.ConvertTo(shifted, MatType.CV_8UC3, gain, offset);
        return shifted;
    }

    /// <summary>A re-cropped copy: a centred crop of <paramref name="fraction"/> of each side, scaled back up.</summary>
    public static Mat Recropped(Mat image, double fraction)
    {
        var width = (int)(image.Width * fraction);
        var height = (int)(image.Height * fraction);
        using var crop = new Mat(image, new Rect((image.Width - width) / 2, (image.Height - height) / 2, width, height));
        return crop.Resize(image.Size());
    }

    public static void WriteJpeg(string path, Mat image)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, SyntheticFaces.Encode(image, ImageFormat.Jpeg));
    }

    /// <summary>A solid-colour BGR image.</summary>
    public static Mat Solid(int width, int height, OpenCvSharp.Scalar bgr) => new(height, width, MatType.CV_8UC3, bgr);

    /// <summary>A JPEG with an EXIF orientation tag inserted after SOI (6: "rotate 90 degrees clockwise to view").</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        // APP1 "Exif\0\0" + big-endian TIFF header + one IFD entry: tag 0x0112 (Orientation), SHORT, 1 value.
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
            0, 1,
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0,
            0, 0, 0, 0,
        ];
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var length = (ushort)(payload.Length + 2);
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>The first <paramref name="count"/> annotated photos of <paramref name="photos"/> in the same layout (annotations/, images/) under <paramref name="into"/>, linked rather than copied: real photos never leave ../shared.</summary>
    public static IReadOnlyList<VocAnnotation> LinkPhotos(string photos, string into, int count)
    {
        var sample = VocAnnotation.LoadAll(photos).Take(count).ToList();
        foreach (var annotation in sample)
        {
            foreach (var (file, folder) in new[] { (annotation.XmlPath, "annotations"), (annotation.ImagePath, "images") })
            {
                Directory.CreateDirectory(Path.Combine(into, folder));
                File.CreateSymbolicLink(Path.Combine(into, folder, Path.GetFileName(file)), Path.GetFullPath(file));
            }
        }

        return sample;
    }

    /// <summary>A photo composed of drawn faces pasted at known places (<see cref="SyntheticScenes"/>), with where each face's nose tip landed.</summary>
    public static (Mat Scene, IReadOnlyList<Point2f> Noses) Scene(int width, int height, IEnumerable<(int X, int Y, int Size, MaskState State)> placements, int seed = 100)
    {
        var (scene, faces) = SyntheticScenes.Compose(width, height, placements, seed);
        return (scene, faces.Select(f => f.NoseTip).ToList());
    }
}
