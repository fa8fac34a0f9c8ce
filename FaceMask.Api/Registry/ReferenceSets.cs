using FaceMask.Api.Datasets;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Jobs;
using FaceMask.Training.Data;
using FaceMask.Training.Imaging;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Registry;

/// <summary>
/// The registry's reference evaluation set (<c>Paths:ReferenceSet</c>): fixed, versioned ground on
/// which candidates and the active model are compared. Version 1 is seeded from the test split of
/// <c>Dataset/</c> (the shipped model's data, same seed and fractions as its split); later versions
/// come only from an operator (<c>POST /api/reference</c>). Its images and their near-duplicates
/// are withheld from every retrain's split.
/// </summary>
public sealed class ReferenceSets(ServicePaths paths, IOptions<RetrainOptions> options, TimeProvider time, ILogger<ReferenceSets> logger)
{
    private readonly SemaphoreSlim writing = new(1, 1);

    public ReferenceSet Set { get; } = new(paths.ReferenceSet);

    public ReferenceVersion? Current() => Set.Current();

    /// <summary>The images of <paramref name="version"/>, fingerprinted, to withhold from a split.</summary>
    public IReadOnlyList<DatasetImage> Reserved(ReferenceVersion? version, CancellationToken cancellationToken)
    {
        if (version is null || !Directory.Exists(Set.ImagesDirectory))
        {
            return [];
        }

        var hashes = version.Images.Select(i => i.Sha256).ToHashSet(StringComparer.Ordinal);
        return DatasetScanner.Scan([Set.ImagesDirectory], cancellationToken: cancellationToken).Images.Where(i => hashes.Contains(i.Sha256)).ToList();
    }

    /// <summary>
    /// What version 1 would hold: the test part of a split of the primary data alone (the data the
    /// shipped model was trained on), or of all the data when the primary folder is empty.
    /// </summary>
    public IReadOnlyList<DatasetImage> SeedFrom(DatasetScan primary, Func<IReadOnlyList<DatasetImage>, NearDuplicateSettings, int[]>? group = null)
    {
        var plan = SplitPlan.Create(primary, options.Value.ToSplitOptions(), group: group);
        return plan.Scan.Images.Where((_, i) => plan.PartOf(i) == SplitPart.Test).ToList();
    }

    /// <summary>Writes version 1 from <paramref name="images"/> unless a version exists already (another request won the race).</summary>
    public async Task<ReferenceVersion> SeedAsync(IReadOnlyList<DatasetImage> images, string origin, CancellationToken cancellationToken)
    {
        await writing.WaitAsync(cancellationToken);
        try
        {
            if (Set.Current() is { } existing)
            {
                return existing;
            }

            var version = Set.Add(images.Select(i => new NewReferenceImage(i.Class, i.Sha256, i.Header.Format.FileExtension(), SourcePath: i.FullPath)), origin, time.GetUtcNow());
            logger.LogInformation("Seeded reference set {Version}: {Count} images ({Origin})", version.Name, version.Images.Count, origin);
            return version;
        }
        finally
        {
            writing.Release();
        }
    }

    /// <summary>An operator's addition: a new version with these images (already validated).</summary>
    public async Task<ReferenceVersion> AddAsync(IReadOnlyList<(LabelledUpload File, DatasetImage Image)> images, CancellationToken cancellationToken)
    {
        await writing.WaitAsync(cancellationToken);
        try
        {
            var origin = $"added by an operator: {images.Count} images";
            return Set.Add(images.Select(i => new NewReferenceImage(i.Image.Class, i.Image.Sha256, i.Image.Header.Format.FileExtension(), Bytes: i.File.Bytes)), origin, time.GetUtcNow());
        }
        finally
        {
            writing.Release();
        }
    }
}
