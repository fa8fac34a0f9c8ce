namespace FaceMask.Training.Imaging;

/// <summary>Why an input was refused before or during decoding.</summary>
public enum ImageRejection
{
    /// <summary>The bytes are not a JPEG, PNG, BMP or WebP file.</summary>
    UnsupportedFormat,

    /// <summary>The file stops before its image data ends.</summary>
    Truncated,

    /// <summary>The header parses but the decoder cannot produce pixels.</summary>
    Undecodable,

    /// <summary>The header declares more pixels than the configured limit.</summary>
    TooManyPixels,
}

/// <summary>
/// An input that is not an acceptable image. The message is meant for the person who sent it.
/// </summary>
public sealed class ImageRejectedException(ImageRejection reason, string message) : Exception(message)
{
    public ImageRejection Reason { get; } = reason;
}
