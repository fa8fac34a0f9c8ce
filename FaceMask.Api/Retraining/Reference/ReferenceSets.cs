using FaceMask.Api.Datasets;
using FaceMask.Api.Infrastructure;
using FaceMask.Training.Data;
using FaceMask.Training.Imaging;

namespace FaceMask.Api.Retraining.Reference;

/// <summary>
/// The registry's reference evaluation set (<c>Paths:ReferenceSet</c>): fixed, versioned ground on
/// which candidates and the active model are compared. Version 1 is seeded from the test split of
/// <c>Dataset/</c> (the shipped model's data, same seed and fractions as its split); later versions
/// come only from an operator (<c>POST /api/reference</c>). Its images and their near-duplicates
/// are withheld from every retrain's split.
/// </summary>
public sealed class ReferenceSets(ServicePaths paths, TimeProvider time, ILogger<ReferenceSets> logger) : IDisposable
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
    /// shipped model was trained on), or of all the data when the primary folder is empty, split as a retrain splits it.
    /// </summary>
    public static IReadOnlyList<DatasetImage> SeedFrom(DatasetScan primary, SplitOptions split, Func<IReadOnlyList<DatasetImage>, NearDuplicateSettings, int[]>? group = null)
    {
        var plan = SplitPlan.Create(primary, split, group: group);
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

    /// <summary>
    /// An operator's addition: every file is checked (label, decodable, within <paramref name="limits"/>),
    /// and those not in the set yet make a new version. Nothing new, no new version.
    /// </summary>
    /// <param name="classes">The served model's classes, which labels must be one of unless <paramref name="newClassSet"/>.</param>
    public async Task<ReferenceAddition> AddAsync(
        IReadOnlyList<LabelledUpload> files, IReadOnlyList<RejectedFile> alreadyRejected, IReadOnlyList<string>? classes, bool newClassSet, ImageLimits limits, CancellationToken cancellationToken)
    {
        var rejected = alreadyRejected.ToList();
        var accepted = new List<(LabelledUpload File, DatasetImage Image)>();
        foreach (var file in files)
        {
            if (ClassLabels.Refusal(file.Label, classes, newClassSet) is { } refusal)
            {
                rejected.Add(new RejectedFile(file.FileName, refusal));
                continue;
            }

            try
            {
                accepted.Add((file, DatasetScanner.Read(Set.ImagesDirectory, file.Label, file.Label, file.Bytes, limits)));
            }
            catch (ImageRejectedException e)
            {
                rejected.Add(new RejectedFile(file.FileName, e.Message));
            }
        }

        await writing.WaitAsync(cancellationToken);
        try
        {
            var before = Set.Current();
            var known = before?.Images.Select(i => i.Sha256).ToHashSet(StringComparer.Ordinal) ?? [];
            var fresh = accepted.Where(a => !known.Contains(a.Image.Sha256)).DistinctBy(a => a.Image.Sha256).ToList();
            if (fresh.Count == 0)
            {
                return new ReferenceAddition(before, 0, accepted.Count, rejected);
            }

            var version = Set.Add(fresh.Select(i => new NewReferenceImage(i.Image.Class, i.Image.Sha256, i.Image.Header.Format.FileExtension(), Bytes: i.File.Bytes)),
                $"added by an operator: {fresh.Count} images", time.GetUtcNow());
            return new ReferenceAddition(version, fresh.Count, accepted.Count - fresh.Count, rejected);
        }
        finally
        {
            writing.Release();
        }
    }

    public void Dispose() => writing.Dispose();
}
