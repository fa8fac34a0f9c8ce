using System.ComponentModel.DataAnnotations;

namespace FaceMask.Api.Datasets;

/// <summary><c>DatasetUploads:*</c>: limits on dataset uploads and the zips in them.</summary>
public sealed class DatasetUploadOptions
{
    public const string Section = "DatasetUploads";

    /// <summary>Largest upload request in bytes (default 200 MB).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Most entries a zip may have.</summary>
    [Range(1, 1_000_000)]
    public int MaxZipEntries { get; set; } = 20_000;

    /// <summary>Most bytes a zip may expand to (default 1 GB): a zip bomb stops here.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxZipUncompressedBytes { get; set; } = 1024L * 1024 * 1024;
}
