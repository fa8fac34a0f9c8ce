using FaceMask.Training.Common;

namespace FaceMask.Training.Data;

/// <summary>
/// The contents of <c>Dataset_Split/split.json</c>: how the split was made and where every source
/// file went; <c>withheld</c> lists the source files left out because they copy a reserved (reference) image.
/// </summary>
public sealed record SplitManifest(
    int Version,
    DateTimeOffset Created,
    int Seed,
    IReadOnlyDictionary<string, double> Fractions,
    NearDuplicateMethod NearDuplicates,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Classes,
    string Fingerprint,
    int Groups,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Counts,
    IReadOnlyList<SplitManifestFile> Files,
    IReadOnlyList<SplitManifestFile>? Withheld = null,
    string? AssignmentDigest = null)
{
    public const string FileName = "split.json";

    /// <summary>
    /// SHA-256 of which file went to which part: one sorted line per file (class, path below its
    /// source, content hash, part). Two splits with the same digest put the same images in the same
    /// parts, wherever the dataset lives; a model's metadata records it so its figures can be traced
    /// to the split they were measured on.
    /// </summary>
    public static string Digest(IEnumerable<SplitManifestFile> files)
    {
        var lines = files.Select(f => $"{f.Class}\t{f.Path}\t{f.Sha256}\t{f.Split}").Order(StringComparer.Ordinal);
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
    }

    public static SplitManifest Load(string splitDirectory) =>
        Json.Deserialize<SplitManifest>(File.ReadAllText(Path.Combine(splitDirectory, FileName)));

    /// <summary>
    /// Each part's share, and the share of photos held out for validation when one was asked for and
    /// the data hold faces cut from photos (recorded only then, so other manifests read as before).
    /// </summary>
    private static Dictionary<string, double> FractionsOf(SplitPlan plan)
    {
        var options = plan.Options;
        var fractions = Enum.GetValues<SplitPart>().ToDictionary(p => p.FolderName(), p => options.Fractions[p]);
        if (options.ValidationPhotos > 0 && plan.Scan.Sources.Any(source => File.Exists(Path.Combine(source, PhotoFaceManifest.FileName))))
        {
            fractions["validation_photos"] = options.ValidationPhotos;
        }

        return fractions;
    }

    public static SplitManifest From(SplitPlan plan, DateTimeOffset created)
    {
        var scan = plan.Scan;
        var files = scan.Images.Select((image, i) => new SplitManifestFile(
            image.Source,
            image.RelativePath,
            image.Class,
            image.Sha256,
            plan.GroupOfImage[i],
            plan.PartOf(i).FolderName(),
            SplitWriter.OutputPath(plan.PartOf(i), image))).ToList();

        return new SplitManifest(
            Version: 1,
            created,
            plan.Options.Seed,
            FractionsOf(plan),
            new NearDuplicateMethod(NearDuplicateSettings.Method, plan.Options.NearDuplicates),
            scan.Sources,
            scan.Classes,
            SplitPlan.Fingerprint(scan),
            plan.GroupCount,
            plan.Counts().ToDictionary(p => p.Key.FolderName(), p => p.Value),
            files,
            plan.Withheld.Select(image => new SplitManifestFile(image.Source, image.RelativePath, image.Class, image.Sha256, -1, "withheld", string.Empty)).ToList(),
            Digest(files));
    }
}

/// <summary>How near-duplicates were detected.</summary>
public sealed record NearDuplicateMethod(string Method, NearDuplicateSettings Settings);

/// <summary>One source file: where it came from, its content hash, its group and where it went.</summary>
/// <param name="Path">Path below <paramref name="Source"/>: <c>class/file</c>.</param>
/// <param name="Output">Path below the split folder: <c>part/class/sha256.ext</c>.</param>
public sealed record SplitManifestFile(string Source, string Path, string Class, string Sha256, int Group, string Split, string Output);
