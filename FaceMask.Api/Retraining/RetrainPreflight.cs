using System.Globalization;
using FaceMask.Api.Datasets;
using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Retraining.Reference;
using FaceMask.Training.Data;
using FaceMask.Training.Imaging;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Retraining;

/// <summary>
/// The checks a retrain must pass, run on the request (with the images it uploads, not yet
/// written) and again by the split stage: the labels are classes the active model knows (unless
/// the operator asks for a new class set), every class of the active model has data, every class
/// has <c>Retraining:MinImagesPerClass</c> distinct images, and a leak-free split (near-duplicates
/// grouped, the reference set withheld) leaves every class images in train, val and test.
/// The cheap checks run first; only the last one groups near-duplicates (remembered, so the split
/// stage that follows on this replica does not group the same data again).
/// </summary>
public sealed class RetrainPreflight(
    ServicePaths paths, ModelHost host, ReferenceSets references, NearDuplicateCache groupings, DataCheckProgress progress,
    ClassLookalikes lookalikes, IOptions<RetrainingOptions> options, IOptions<UploadOptions> uploads)
{
    /// <summary>Checks the data on disk plus <paramref name="pending"/> (uploads about to be added), reporting its progress.</summary>
    public RetrainReadiness Check(IReadOnlyList<LabelledUpload> pending, bool newClassSet, DataCheckOrigin origin, CancellationToken cancellationToken)
    {
        using var check = progress.Begin(origin);
        var readiness = Check(pending, newClassSet, check, cancellationToken);
        check.Finish(readiness.Refusal?.Code ?? "ready");
        return readiness;
    }

    private RetrainReadiness Check(IReadOnlyList<LabelledUpload> pending, bool newClassSet, DataCheckProgress.Check check, CancellationToken cancellationToken)
    {
        var known = host.Current?.Classes;
        if (pending.Select(p => ClassLabels.Refusal(p.Label, null, newClassSet: true)).FirstOrDefault(r => r is not null) is { } invalid)
        {
            return RetrainReadiness.Refused(StatusCodes.Status400BadRequest, ErrorCodes.InvalidLabel, "Invalid label", invalid);
        }

        check.ReadingImages(CountFiles());
        var existing = Scan(check.Counter, cancellationToken);
        lookalikes.Remember(existing); // so an upload can be held against the data without reading it again
        if (known is not null && !newClassSet)
        {
            var unknown = pending.Select(p => p.Label).Concat(existing.Classes).Distinct(StringComparer.Ordinal)
                .Where(c => !known.Contains(c, StringComparer.Ordinal)).Order(StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                return RetrainReadiness.Refused(StatusCodes.Status400BadRequest, ErrorCodes.UnknownClass, "Unknown class",
                    $"The data has images of {Quote(unknown)}, which the active model {host.Current!.Metadata.Version} does not know (its classes: {Quote(known)}). " +
                    "To train a new class set, send new_classes=true; the result is then kept as a candidate for an operator to activate.");
            }
        }

        var seen = existing.Images.Select(i => i.Sha256).ToHashSet(StringComparer.Ordinal);
        var added = new List<DatasetImage>();
        foreach (var upload in pending)
        {
            try
            {
                // Named as DatasetStore will write it, so a seed taken from it points at the file once added.
                var image = DatasetScanner.Read(paths.DatasetNew, upload.Label, upload.Label, upload.Bytes, uploads.Value.ImageLimits);
                if (seen.Add(image.Sha256))
                {
                    added.Add(image with { RelativePath = $"{upload.Label}/{DatasetStore.FileName(image.Sha256, image.Header.Format)}" });
                }
            }
            catch (ImageRejectedException)
            {
                // Reported per file by the upload; it adds nothing.
            }
        }

        var data = added.Count == 0 ? existing : existing with
        {
            Classes = existing.Classes.Concat(added.Select(a => a.Class)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            Images = existing.Images.Concat(added).ToList(),
        };
        check.Grouping();
        return Check(data, newClassSet ? null : known, references.Current(), check.GroupingCounter, cancellationToken);
    }

    /// <summary>The data checks on a scan: classes, counts, and a split that works with the reference set withheld.</summary>
    /// <param name="grouping">Told how far a near-duplicate grouping is (none when the grouping is remembered).</param>
    public RetrainReadiness Check(DatasetScan data, IReadOnlyList<string>? requiredClasses, ReferenceVersion? reference, IProgress<GroupingProgress>? grouping, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var distinct = data.Classes.ToDictionary(c => c, c => data.Images.Where(i => i.Class == c).Select(i => i.Sha256).Distinct(StringComparer.Ordinal).Count(), StringComparer.Ordinal);
        if (distinct.Values.Sum() == 0)
        {
            return RetrainReadiness.Refused(StatusCodes.Status422UnprocessableEntity, ErrorCodes.NoData, "Nothing to train on",
                $"{paths.Dataset} and {paths.DatasetNew} hold no images. Upload labelled images (POST /api/datasets/new, or a 'dataset' zip with this request).");
        }

        var missing = (requiredClasses ?? []).Where(c => distinct.GetValueOrDefault(c) == 0).ToList();
        if (missing.Count > 0)
        {
            return RetrainReadiness.Refused(StatusCodes.Status422UnprocessableEntity, ErrorCodes.MissingClass, "A class has no data",
                $"The data has no images of {Quote(missing)}; a model trained on it could never predict {(missing.Count == 1 ? "that class" : "those classes")}. Counts: {Counts(distinct)}.");
        }

        var few = distinct.Where(p => p.Value < settings.MinImagesPerClass).Select(p => p.Key).ToList();
        if (few.Count > 0)
        {
            return RetrainReadiness.Refused(StatusCodes.Status422UnprocessableEntity, ErrorCodes.TooFewImages, "Too few images",
                $"Every class needs at least {settings.MinImagesPerClass} distinct images (Retraining:MinImagesPerClass); {Quote(few)} {(few.Count == 1 ? "has" : "have")} fewer. Counts: {Counts(distinct)}.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        int[] Group(IReadOnlyList<DatasetImage> images, NearDuplicateSettings nearDuplicates) => groupings.Group(images, nearDuplicates, grouping);
        IReadOnlyList<DatasetImage>? seed = null;
        string? seedSource = null;
        IReadOnlyList<DatasetImage> reserved;
        if (reference is null)
        {
            var primary = data.Images.Where(i => i.Source == paths.Dataset).ToList();
            var fromPrimary = primary.Count > 0 && data.Classes.All(c => primary.Any(i => i.Class == c));
            seed = ReferenceSets.SeedFrom(fromPrimary ? data with { Images = primary } : data, options.Value.ToSplitOptions(), Group);
            seedSource = fromPrimary
                ? $"the test split of the primary data (seed {options.Value.Seed})"
                : $"the test split of all the data, uploads included, as the primary data lacks a class (seed {options.Value.Seed})";
            reserved = seed;
        }
        else
        {
            reserved = references.Reserved(reference, cancellationToken);
        }

        var plan = SplitPlan.Create(data, settings.ToSplitOptions(), reserved, Group);
        var gaps = plan.MissingParts();
        if (gaps.Count > 0)
        {
            var where = string.Join("; ", gaps.Select(g => $"{g.Key} would have no {string.Join(" or ", g.Value.Select(p => p.FolderName()))} images"));
            return RetrainReadiness.Refused(StatusCodes.Status422UnprocessableEntity, ErrorCodes.Unsplittable, "The data cannot be split",
                $"After grouping near-duplicates (copies of one face stay in one part) and withholding the reference set, {where}. " +
                $"Add more distinct faces of {(gaps.Count == 1 ? "that class" : "those classes")}.");
        }

        return new RetrainReadiness(null, plan, seed, seedSource);
    }

    /// <summary>Dataset/ and DatasetNew/ as they are on disk (absent folders contribute nothing).</summary>
    public DatasetScan Scan(CancellationToken cancellationToken) => Scan(null, cancellationToken);

    private DatasetScan Scan(IProgress<int>? filesRead, CancellationToken cancellationToken) =>
        DatasetScanner.Scan(Sources(), uploads.Value.ImageLimits, filesRead, cancellationToken);

    private List<string> Sources() => new[] { paths.Dataset, paths.DatasetNew }.Where(Directory.Exists).ToList();

    private int CountFiles() => DatasetScanner.CountFiles(Sources());

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static string Counts(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.Select(p => $"{p.Key} {p.Value.ToString(CultureInfo.InvariantCulture)}"));
}
