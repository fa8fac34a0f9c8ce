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
    IReadOnlyList<SplitManifestFile>? Withheld = null)
{
    public const string FileName = "split.json";

    public static SplitManifest Load(string splitDirectory) =>
        Json.Deserialize<SplitManifest>(File.ReadAllText(Path.Combine(splitDirectory, FileName)));

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
            Enum.GetValues<SplitPart>().ToDictionary(p => p.FolderName(), p => plan.Options.Fractions[p]),
            new NearDuplicateMethod(NearDuplicateSettings.Method, plan.Options.NearDuplicates),
            scan.Sources,
            scan.Classes,
            SplitPlan.Fingerprint(scan),
            plan.GroupCount,
            plan.Counts().ToDictionary(p => p.Key.FolderName(), p => p.Value),
            files,
            plan.Withheld.Select(image => new SplitManifestFile(image.Source, image.RelativePath, image.Class, image.Sha256, -1, "withheld", string.Empty)).ToList());
    }
}

/// <summary>How near-duplicates were detected.</summary>
public sealed record NearDuplicateMethod(string Method, NearDuplicateSettings Settings);

/// <summary>One source file: where it came from, its content hash, its group and where it went.</summary>
/// <param name="Path">Path below <paramref name="Source"/>: <c>class/file</c>.</param>
/// <param name="Output">Path below the split folder: <c>part/class/sha256.ext</c>.</param>
public sealed record SplitManifestFile(string Source, string Path, string Class, string Sha256, int Group, string Split, string Output);
