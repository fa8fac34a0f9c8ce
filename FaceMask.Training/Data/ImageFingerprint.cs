using System.Numerics;
using System.Numerics.Tensors;
using OpenCvSharp;
using OpenCvSharp.ImgHash;

namespace FaceMask.Training.Data;

/// <summary>
/// What near-duplicate detection needs of one image, computed once while scanning:
/// a 64-bit DCT perceptual hash (OpenCV img_hash PHash) of the image and of its mirror,
/// a 16x16 grey thumbnail normalised to zero mean and unit length (and its mirror), and a
/// 48x48 grey patch for alignment. Brightness and contrast changes vanish in the normalisation;
/// the mirror versions make a flipped copy count as the same picture.
/// </summary>
public sealed class ImageFingerprint
{
    public const int ThumbnailSide = 16;
    public const int PatchSide = 48;

    private ImageFingerprint(ulong hash, ulong mirroredHash, float[] thumbnail, float[] mirroredThumbnail, byte[] patch)
    {
        Hash = hash;
        MirroredHash = mirroredHash;
        Thumbnail = thumbnail;
        MirroredThumbnail = mirroredThumbnail;
        Patch = patch;
    }

    public ulong Hash { get; }

    public ulong MirroredHash { get; }

    /// <summary>Zero-mean, unit-length 16x16 grey thumbnail: the dot product of two is their correlation.</summary>
    public float[] Thumbnail { get; }

    public float[] MirroredThumbnail { get; }

    /// <summary>48x48 grey pixels, row-major, for aligning two candidate copies.</summary>
    public byte[] Patch { get; }

    /// <summary>Hamming distance of the perceptual hashes, the smaller of direct and mirrored.</summary>
    public int HashDistanceTo(ImageFingerprint other) =>
        Math.Min(BitOperations.PopCount(Hash ^ other.Hash), BitOperations.PopCount(Hash ^ other.MirroredHash));

    /// <summary>Correlation of the thumbnails (-1..1), the larger of direct and mirrored; <paramref name="mirrored"/> tells which.</summary>
    public float CorrelationWith(ImageFingerprint other, out bool mirrored)
    {
        var direct = TensorPrimitives.Dot<float>(Thumbnail, other.Thumbnail);
        var flipped = TensorPrimitives.Dot<float>(Thumbnail, other.MirroredThumbnail);
        mirrored = flipped > direct;
        return Math.Max(direct, flipped);
    }

    public static ImageFingerprint Compute(Mat bgr)
    {
        using var gray = bgr.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var mirror = gray.Flip(FlipMode.Y);
        using var hasher = PHash.Create();
        var thumbnail = NormalisedThumbnail(gray);
        var mirroredThumbnail = NormalisedThumbnail(mirror);
        using var patch = gray.Resize(new Size(PatchSide, PatchSide), 0, 0, InterpolationFlags.Area);
        return new ImageFingerprint(HashOf(hasher, gray), HashOf(hasher, mirror), thumbnail, mirroredThumbnail, patch.AsSpan<byte>().ToArray());
    }

    private static float[] NormalisedThumbnail(Mat gray)
    {
        using var small = gray.Resize(new Size(ThumbnailSide, ThumbnailSide), 0, 0, InterpolationFlags.Area);
        using var floats = new Mat();
        small.ConvertTo(floats, MatType.CV_32F);
        var values = floats.AsSpan<float>().ToArray();
        var mean = TensorPrimitives.Average<float>(values);
        TensorPrimitives.Subtract(values, mean, values);
        var norm = TensorPrimitives.Norm<float>(values);
        TensorPrimitives.Divide(values, norm > 1e-6f ? norm : 1f, values); // a flat image stays all zeros
        return values;
    }

    private static ulong HashOf(PHash hasher, Mat image)
    {
        using var hash = new Mat();
        hasher.Compute(image, hash);
        return BitConverter.ToUInt64(hash.AsSpan<byte>()[..8]);
    }
}
