using OpenCvSharp;

namespace FaceMask.Training.Imaging;

/// <summary>
/// Decodes JPEG, PNG, BMP and WebP into 8-bit BGR pixels (OpenCV's native order), honouring EXIF
/// orientation. The header is read and checked against <see cref="ImageLimits"/> first, so an
/// oversized or truncated file is refused before any pixel memory is allocated.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes an image; the caller owns (and disposes) the returned 3-channel BGR matrix.</summary>
    /// <exception cref="ImageRejectedException">The bytes are not an acceptable image.</exception>
    public static Mat Decode(ReadOnlySpan<byte> data, ImageLimits? limits = null) => Decode(data, out _, limits);

    /// <summary>Decodes an image and returns its header too; the caller owns the returned BGR matrix.</summary>
    /// <exception cref="ImageRejectedException">The bytes are not an acceptable image.</exception>
    public static Mat Decode(ReadOnlySpan<byte> data, out ImageHeader header, ImageLimits? limits = null)
    {
        header = Inspect(data, limits);
        Mat image;
        try
        {
            // ImreadModes.Color: always 3 channels, 8 bits, EXIF orientation applied.
            image = Cv2.ImDecode(data, ImreadModes.Color);
        }
        catch (OpenCVException e)
        {
            throw Undecodable(header, e.Message);
        }

        if (image.Empty())
        {
            image.Dispose();
            throw Undecodable(header, "the decoder produced no pixels");
        }

        return image;
    }

    /// <summary>Reads a file and decodes it; see <see cref="Decode(ReadOnlySpan{byte}, ImageLimits?)"/>.</summary>
    public static Mat DecodeFile(string path, ImageLimits? limits = null) => Decode(File.ReadAllBytes(path), limits);

    /// <summary>Reads and checks the header (format, size, completeness, pixel limit) without decoding.</summary>
    /// <exception cref="ImageRejectedException">The bytes are not an acceptable image.</exception>
    public static ImageHeader Inspect(ReadOnlySpan<byte> data, ImageLimits? limits = null)
    {
        var header = ImageHeader.Read(data);
        var maxPixels = (limits ?? ImageLimits.Default).MaxPixels;
        if (header.PixelCount > maxPixels)
        {
            throw new ImageRejectedException(ImageRejection.TooManyPixels,
                $"The image is {header.Width}x{header.Height} ({header.PixelCount / 1e6:0.#} megapixels); " +
                $"the limit is {maxPixels / 1e6:0.#} megapixels.");
        }

        return header;
    }

    private static ImageRejectedException Undecodable(ImageHeader header, string detail) =>
        new(ImageRejection.Undecodable,
            $"The {header.Format.ToString().ToUpperInvariant()} image could not be decoded ({detail}).");
}
