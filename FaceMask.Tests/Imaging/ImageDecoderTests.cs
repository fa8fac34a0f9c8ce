using System.Buffers.Binary;
using FaceMask.Tests.Support;
using FaceMask.Training.Imaging;
using FaceMask.Training.Synthetic;
using OpenCvSharp;

namespace FaceMask.Tests.Imaging;

public class ImageDecoderTests
{
    public static TheoryData<ImageFormat> Formats => [ImageFormat.Jpeg, ImageFormat.Png, ImageFormat.Bmp, ImageFormat.WebP];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Decodes_every_accepted_format_to_the_original_pixels(ImageFormat format)
    {
        using var original = SyntheticFaces.Draw(MaskState.Correct, seed: 7, size: 96);
        var bytes = SyntheticFaces.Encode(original, format);

        using var decoded = ImageDecoder.Decode(bytes, out var header);

        Assert.Equal(format, header.Format);
        Assert.Equal((96, 96), (header.Width, header.Height));
        Assert.Equal(MatType.CV_8UC3, decoded.Type());
        Assert.Equal(original.Size(), decoded.Size());
        using var difference = new Mat();
        Cv2.Absdiff(original, decoded, difference);
        var meanError = Cv2.Mean(difference);
        var lossless = format is ImageFormat.Png or ImageFormat.Bmp;
        Assert.True(meanError.Val0 + meanError.Val1 + meanError.Val2 <= (lossless ? 0 : 12), $"mean abs error {meanError}");
    }

    [Fact]
    public void Reads_lossless_webp_headers()
    {
        using var original = SyntheticFaces.Draw(MaskState.None, seed: 3, size: 50);
        Cv2.ImEncode(".webp", original, out var bytes, [(int)ImwriteFlags.WebPQuality, 101]); // >100 selects lossless (VP8L)

        Assert.Equal("VP8L", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        var header = ImageHeader.Read(bytes);
        Assert.Equal((ImageFormat.WebP, 50, 50), (header.Format, header.Width, header.Height));
        using var decoded = ImageDecoder.Decode(bytes);
        Assert.Equal(0, Cv2.Norm(original, decoded, NormTypes.INF));
    }

    [Fact]
    public void Applies_exif_orientation()
    {
        // Left half red, right half blue, 40x20; EXIF orientation 6 means "rotate 90 degrees clockwise to view".
        using var image = TestImages.Solid(40, 20, new OpenCvSharp.Scalar(0, 0, 255));
        using (var right = new Mat(image, new Rect(20, 0, 20, 20)))
        {
            right.SetTo(new OpenCvSharp.Scalar(255, 0, 0));
        }

        var jpeg = TestImages.WithExifOrientation(SyntheticFaces.Encode(image, ImageFormat.Jpeg), orientation: 6);

        using var decoded = ImageDecoder.Decode(jpeg);

        Assert.Equal((20, 40), (decoded.Width, decoded.Height));
        var top = decoded.At<Vec3b>(2, 10);
        var bottom = decoded.At<Vec3b>(37, 10);
        Assert.True(top.Item2 > 200 && top.Item0 < 60, $"top should be red, was {top}");
        Assert.True(bottom.Item0 > 200 && bottom.Item2 < 60, $"bottom should be blue, was {bottom}");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Rejects_truncated_files(ImageFormat format)
    {
        var bytes = TestImages.Face(MaskState.Incorrect, seed: 11, format);

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes.AsSpan(0, bytes.Length * 2 / 3)));

        Assert.Equal(ImageRejection.Truncated, error.Reason);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Rejects_garbage_and_empty_input_with_a_reason()
    {
        var garbage = new byte[4096];
        new Random(1).NextBytes(garbage);
        garbage[0] = (byte)'G'; // not any signature

        var notImage = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(garbage));
        var empty = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode([]));
        var text = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode("hello, I am not a picture"u8));

        Assert.Equal(ImageRejection.UnsupportedFormat, notImage.Reason);
        Assert.Equal("The file is not a JPEG, PNG, BMP or WebP image.", notImage.Message);
        Assert.Equal("The file is empty.", empty.Message);
        Assert.Equal(ImageRejection.UnsupportedFormat, text.Reason);
    }

    [Fact]
    public void Rejects_a_jpeg_signature_followed_by_garbage()
    {
        var bytes = new byte[2048];
        new Random(2).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[2] = 0xFF;

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes));

        Assert.NotEqual(ImageRejection.UnsupportedFormat, error.Reason);
    }

    [Fact]
    public void Rejects_a_decompression_bomb_from_its_header_alone()
    {
        // A 100,000 x 100,000 PNG header: 10 gigapixels declared in 45 bytes. Decoding would
        // allocate 30 GB; the header check must refuse it first.
        var png = new List<byte>([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        png.AddRange(Chunk("IHDR", [.. BigEndian(100_000), .. BigEndian(100_000), 8, 2, 0, 0, 0]));
        png.AddRange(Chunk("IEND", []));

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(png.ToArray()));

        Assert.Equal(ImageRejection.TooManyPixels, error.Reason);
        Assert.Equal("The image is 100000x100000 (10000 megapixels); the limit is 40 megapixels.", error.Message);
    }

    [Fact]
    public void Honours_a_configured_pixel_limit_on_real_files()
    {
        var bytes = TestImages.Face(MaskState.None, seed: 5, ImageFormat.Png, size: 128);

        var error = Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(bytes, new ImageLimits { MaxPixels = 128 * 127 }));
        using var accepted = ImageDecoder.Decode(bytes, new ImageLimits { MaxPixels = 128 * 128 });

        Assert.Equal(ImageRejection.TooManyPixels, error.Reason);
        Assert.Equal(128, accepted.Width);
    }

    [Fact]
    public void Decodes_files_from_disk()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("face.png");
        File.WriteAllBytes(path, TestImages.Face(MaskState.Correct, seed: 9, ImageFormat.Png, size: 64));

        using var decoded = ImageDecoder.DecodeFile(path);

        Assert.Equal((64, 64), (decoded.Width, decoded.Height));
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        byte[] typeBytes = [.. System.Text.Encoding.ASCII.GetBytes(type)];
        // The CRC is not checked before the size limit, which is the point: no decoding happens.
        return [.. BigEndian(data.Length), .. typeBytes, .. data, 0, 0, 0, 0];
    }
}
