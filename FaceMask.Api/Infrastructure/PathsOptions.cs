using System.ComponentModel.DataAnnotations;

namespace FaceMask.Api.Infrastructure;

/// <summary>
/// <c>Paths:*</c>: where the data and models live. Relative paths resolve from the content root or
/// its nearest parent that has them (see <see cref="ContentPaths"/>): the repository's top-level
/// folders when run from source.
/// </summary>
public sealed class PathsOptions
{
    public const string Section = "Paths";

    [Required]
    public string Dataset { get; set; } = "Dataset";

    [Required]
    public string DatasetNew { get; set; } = "DatasetNew";

    [Required]
    public string DatasetSplit { get; set; } = "Dataset_Split";

    [Required]
    public string Models { get; set; } = "models";

    /// <summary>The reference evaluation set (images no training run uses; see README).</summary>
    [Required]
    public string ReferenceSet { get; set; } = "ReferenceSet";

    /// <summary>Where each retrain writes its own split (one folder per target version); default <c>&lt;DatasetSplit&gt;/retrains</c>.</summary>
    public string? RetrainSplits { get; set; }
}

/// <summary>The configured paths, resolved once.</summary>
public sealed class ResolvedPaths(ContentPaths paths, Microsoft.Extensions.Options.IOptions<PathsOptions> options)
{
    public string Dataset { get; } = paths.Resolve(options.Value.Dataset);

    public string DatasetNew { get; } = paths.Resolve(options.Value.DatasetNew);

    public string DatasetSplit { get; } = paths.Resolve(options.Value.DatasetSplit);

    public string Models { get; } = paths.Resolve(options.Value.Models);

    public string ReferenceSet { get; } = paths.Resolve(options.Value.ReferenceSet);

    /// <summary>Never the hand-made <see cref="DatasetSplit"/> itself: a retrain writes only below this.</summary>
    public string RetrainSplits { get; } = options.Value.RetrainSplits is { Length: > 0 } configured
        ? paths.Resolve(configured)
        : Path.Combine(paths.Resolve(options.Value.DatasetSplit), "retrains");

    /// <summary>The split a retrain toward <paramref name="version"/> writes and reads.</summary>
    public string RetrainSplit(string version) => Path.Combine(RetrainSplits, version);
}
