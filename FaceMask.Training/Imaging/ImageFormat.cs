namespace FaceMask.Training.Imaging;

/// <summary>The image container formats the pipeline accepts.</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    Bmp,
    WebP,
}

public static class ImageFormatExtensions
{
    /// <summary>The usual file extension, with the dot.</summary>
    public static string FileExtension(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Png => ".png",
        ImageFormat.Bmp => ".bmp",
        ImageFormat.WebP => ".webp",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
