namespace FaceMask.Training.Imaging;

/// <summary>The image container formats the pipeline accepts.</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    Bmp,
    WebP,
}
