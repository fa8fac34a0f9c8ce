using System.ComponentModel.DataAnnotations;

namespace FaceMask.Api.ModelUploads;

/// <summary><c>ModelUploads:*</c>: what a model upload may be.</summary>
public sealed class ModelUploadOptions
{
    public const string Section = "ModelUploads";

    /// <summary>Largest upload request in bytes (default 100 MB: a MobileNetV2 .h5 is 9-14 MB).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 100L * 1024 * 1024;
}
