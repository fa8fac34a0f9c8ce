using System.Buffers.Binary;

namespace FaceMask.Training.Imaging;

/// <summary>
/// Format and dimensions read from a file's header, plus a cheap check that the container is
/// complete. Reading it costs microseconds and allocates nothing, so every input is sized before
/// the decoder allocates a bitmap (decompression bombs declare huge dimensions in tiny files).
/// </summary>
/// <remarks>
/// Hand-written: OpenCV has no header-only API, and the one .NET library that reads these headers
/// (MetadataExtractor) parses every metadata block, which is too much for the prediction hot path.
/// </remarks>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height)
{
    public long PixelCount => (long)Width * Height;

    /// <summary>Reads the header and checks the container is complete; throws <see cref="ImageRejectedException"/> otherwise.</summary>
    public static ImageHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(JpegSignature))
        {
            return ReadJpeg(data);
        }

        if (data.StartsWith(PngSignature))
        {
            return ReadPng(data);
        }

        if (data.Length >= 2 && data[0] == 'B' && data[1] == 'M')
        {
            return ReadBmp(data);
        }

        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return ReadWebP(data);
        }

        throw new ImageRejectedException(ImageRejection.UnsupportedFormat,
            data.IsEmpty ? "The file is empty." : "The file is not a JPEG, PNG, BMP or WebP image.");
    }

    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> JpegEndOfImage => [0xFF, 0xD9];

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ImageRejectedException Truncated(ImageFormat format) =>
        new(ImageRejection.Truncated, $"The {format.ToString().ToUpperInvariant()} file is truncated.");

    private static ImageRejectedException Corrupt(ImageFormat format, string what) =>
        new(ImageRejection.Undecodable, $"The {format.ToString().ToUpperInvariant()} header is invalid: {what}.");

    private static ImageHeader Checked(ImageFormat format, long width, long height)
    {
        if (width <= 0 || height <= 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw Corrupt(format, $"dimensions {width}x{height}");
        }

        return new ImageHeader(format, (int)width, (int)height);
    }

    private static ImageHeader ReadJpeg(ReadOnlySpan<byte> data)
    {
        // Walk the marker segments: the frame header (SOFn) carries the size; the image data
        // starts at the first SOS and must be followed by EOI. Inside entropy-coded data 0xFF is
        // always stuffed, so an FF D9 after the first SOS can only be the real end of image.
        ImageHeader? header = null;
        var position = 2;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                throw Corrupt(ImageFormat.Jpeg, $"expected a marker at byte {position}");
            }

            var marker = data[position + 1];
            if (marker == 0xFF)
            {
                position++; // fill byte
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                position += 2; // standalone markers carry no length
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length < 2 || position + 2 + length > data.Length)
            {
                throw Truncated(ImageFormat.Jpeg);
            }

            var isFrameHeader = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrameHeader)
            {
                if (length < 7)
                {
                    throw Corrupt(ImageFormat.Jpeg, "short frame header");
                }

                var segment = data[(position + 4)..];
                header = Checked(ImageFormat.Jpeg,
                    BinaryPrimitives.ReadUInt16BigEndian(segment[3..]),
                    BinaryPrimitives.ReadUInt16BigEndian(segment[1..]));
            }
            else if (marker == 0xDA)
            {
                if (header is null)
                {
                    throw Corrupt(ImageFormat.Jpeg, "image data before the frame header");
                }

                var scan = data[(position + 2 + length)..];
                if (scan.IndexOf(JpegEndOfImage) < 0)
                {
                    throw Truncated(ImageFormat.Jpeg);
                }

                return header.Value;
            }
            else if (marker == 0xD9)
            {
                break;
            }

            position += 2 + length;
        }

        throw Truncated(ImageFormat.Jpeg);
    }

    private static ImageHeader ReadPng(ReadOnlySpan<byte> data)
    {
        if (data.Length < 33)
        {
            throw Truncated(ImageFormat.Png);
        }

        if (!data[12..16].SequenceEqual("IHDR"u8))
        {
            throw Corrupt(ImageFormat.Png, "the first chunk is not IHDR");
        }

        var header = Checked(ImageFormat.Png,
            BinaryPrimitives.ReadUInt32BigEndian(data[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[20..]));

        // IEND closes every complete PNG; it is the last chunk, so look for it from the end.
        if (data[33..].LastIndexOf("IEND"u8) < 0)
        {
            throw Truncated(ImageFormat.Png);
        }

        return header;
    }

    private static ImageHeader ReadBmp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 26)
        {
            throw Truncated(ImageFormat.Bmp);
        }

        var pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        long width, height;
        int bitsPerPixel;
        uint compression = 0;
        if (dibSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[24..]);
        }
        else if (dibSize >= 40 && data.Length >= 34)
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..])); // negative: top-down rows
            bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
            compression = BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);
        }
        else
        {
            throw Corrupt(ImageFormat.Bmp, $"unknown DIB header size {dibSize}");
        }

        var header = Checked(ImageFormat.Bmp, width, height);

        // Uncompressed rows (BI_RGB, BI_BITFIELDS) have a known size: check they are all there.
        if (compression is 0 or 3 && bitsPerPixel is > 0 and <= 32)
        {
            var stride = ((bitsPerPixel * width) + 31) / 32 * 4;
            if (pixelOffset + (stride * height) > data.Length)
            {
                throw Truncated(ImageFormat.Bmp);
            }
        }

        return header;
    }

    private static ImageHeader ReadWebP(ReadOnlySpan<byte> data)
    {
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (data.Length < 30 || riffSize + 8L > data.Length)
        {
            throw Truncated(ImageFormat.WebP);
        }

        var chunk = data[12..16];
        var payload = data[20..];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
            if (payload[3] != 0x9D || payload[4] != 0x01 || payload[5] != 0x2A)
            {
                throw Corrupt(ImageFormat.WebP, "missing VP8 start code");
            }

            return Checked(ImageFormat.WebP,
                BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]) & 0x3FFF,
                BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]) & 0x3FFF);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Lossless: signature 0x2F, then width-1 and height-1 as 14-bit fields.
            if (payload[0] != 0x2F)
            {
                throw Corrupt(ImageFormat.WebP, "missing VP8L signature");
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(payload[1..]);
            return Checked(ImageFormat.WebP, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Extended: 24-bit canvas width-1 and height-1 after 4 bytes of flags.
            static long Read24(ReadOnlySpan<byte> b) => b[0] | (b[1] << 8) | (b[2] << 16);
            return Checked(ImageFormat.WebP, Read24(payload[4..]) + 1, Read24(payload[7..]) + 1);
        }

        throw Corrupt(ImageFormat.WebP, "unknown first chunk");
    }
}
