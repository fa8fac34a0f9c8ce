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
}

/// <summary>The configured paths, resolved once.</summary>
public sealed class ResolvedPaths(ContentPaths paths, Microsoft.Extensions.Options.IOptions<PathsOptions> options)
{
    public string Dataset { get; } = paths.Resolve(options.Value.Dataset);

    public string DatasetNew { get; } = paths.Resolve(options.Value.DatasetNew);

    public string DatasetSplit { get; } = paths.Resolve(options.Value.DatasetSplit);

    public string Models { get; } = paths.Resolve(options.Value.Models);
}
