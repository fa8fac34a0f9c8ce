using OpenCvSharp;

namespace FaceMask.Training.Imaging;

/// <summary>
/// The one code path from pixels to network input, shared by training, evaluation and serving:
/// decode, resize, reorder channels, scale. Training inserts augmentation between
/// <see cref="Resize"/> and <see cref="WriteInput"/>; nothing else differs.
/// OpenCV calls get their InputArray/OutputArray proxies explicitly and dispose them: passing a Mat
/// converts it into a proxy with a finalizer, and at thousands of requests a second those piled up
/// behind the finalizer thread (see docs/performance.md).
/// </summary>
public static class ImagePreprocessor
{
    /// <summary>Resizes a BGR image to the input size: area averaging when shrinking (no aliasing), bilinear when enlarging.</summary>
    public static Mat Resize(Mat bgr, Preprocessing spec)
    {
        var shrinking = bgr.Width >= spec.Width && bgr.Height >= spec.Height;
        var resized = new Mat();
        using (var source = InputArray.Create(bgr))
        using (var target = OutputArray.Create(resized))
        {
            Cv2.Resize(source, target, new Size(spec.Width, spec.Height), 0, 0,
                shrinking ? InterpolationFlags.Area : InterpolationFlags.Linear);
        }

        return resized;
    }

    /// <summary>Writes a resized BGR image as HWC floats, <c>pixel * scale + offset</c>, in the spec's channel order (or grey).</summary>
    public static unsafe void WriteInput(Mat resizedBgr, Preprocessing spec, Span<float> destination)
    {
        if (resizedBgr.Width != spec.Width || resizedBgr.Height != spec.Height || resizedBgr.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException(
                $"Expected a {spec.Width}x{spec.Height} 8-bit BGR image, got {resizedBgr.Width}x{resizedBgr.Height} {resizedBgr.Type()}.",
                nameof(resizedBgr));
        }

        if (destination.Length < spec.InputLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} floats; {spec.InputLength} are needed.", nameof(destination));
        }

        using var converted = spec.ColorOrder == ColorOrder.Bgr ? null : new Mat();
        if (converted is not null)
        {
            using var source = InputArray.Create(resizedBgr);
            using var target = OutputArray.Create(converted);
            Cv2.CvtColor(source, target, spec.ColorOrder == ColorOrder.Gray ? ColorConversionCodes.BGR2GRAY : ColorConversionCodes.BGR2RGB);
        }

        var ordered = converted ?? resizedBgr;
        var floats = spec.Channels == 1 ? MatType.CV_32FC1 : MatType.CV_32FC3;
        fixed (float* pixels = destination)
        {
            // A header over the caller's buffer: ConvertTo writes the floats straight into it.
            using var output = Mat.FromPixelData(spec.Height, spec.Width, floats, (IntPtr)pixels);
            using var target = OutputArray.Create(output);
            ordered.ConvertTo(target, floats, spec.Scale, spec.Offset);
        }
    }

    /// <summary>Decodes, resizes and writes one encoded image as network input.</summary>
    /// <exception cref="ImageRejectedException">The bytes are not an acceptable image.</exception>
    public static void Preprocess(ReadOnlySpan<byte> encoded, Preprocessing spec, Span<float> destination, ImageLimits? limits = null)
    {
        using var decoded = ImageDecoder.Decode(encoded, limits);
        using var resized = Resize(decoded, spec);
        WriteInput(resized, spec, destination);
    }
}
