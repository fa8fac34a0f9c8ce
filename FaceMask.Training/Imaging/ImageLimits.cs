namespace FaceMask.Training.Imaging;

/// <summary>Limits checked from the header, before any pixel memory is allocated.</summary>
public sealed record ImageLimits
{
    /// <summary>Default: 40 megapixels, above any phone camera and far below what a decompression bomb declares.</summary>
    public const long DefaultMaxPixels = 40_000_000;

    public static ImageLimits Default { get; } = new();

    public long MaxPixels { get; init; } = DefaultMaxPixels;
}
