using System.ComponentModel.DataAnnotations;
using FaceMask.Training.Imaging;

namespace FaceMask.Api.Infrastructure;

/// <summary><c>Uploads:*</c>: what an upload may be.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>Largest request body in bytes (default 10 MB); larger is 413.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest image in pixels, checked from the header before decoding; larger is 413.</summary>
    [Range(1, long.MaxValue)]
    public long MaxPixels { get; set; } = ImageLimits.DefaultMaxPixels;

    /// <summary>Most files in one <c>/api/predict/batch</c> request.</summary>
    [Range(1, 1000)]
    public int MaxBatchFiles { get; set; } = 32;

    public ImageLimits ImageLimits => new() { MaxPixels = MaxPixels };
}
