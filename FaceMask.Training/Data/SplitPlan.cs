using System.Security.Cryptography;
using System.Text;

namespace FaceMask.Training.Data;

/// <summary>Settings of a leak-free split.</summary>
public sealed record SplitOptions
{
    public int Seed { get; init; } = 42;

    public SplitFractions Fractions { get; init; } = SplitFractions.Default;

    public NearDuplicateSettings NearDuplicates { get; init; } = new();

    /// <summary>
    /// The share of the photos behind faces from <c>cut-faces</c> (<see cref="PhotoFaceManifest"/>)
    /// held out whole for validation, with every crop their faces match; chosen by the seed among
    /// the photos' file names.
    /// </summary>
    public double ValidationPhotos { get; init; }
}

/// <summary>
/// Which part every image of a scan goes to: near-duplicates grouped, groups assigned whole.
/// Pure computation, no I/O: <see cref="SplitWriter"/> puts it on disk.
/// </summary>
public sealed class SplitPlan
{
    private SplitPlan(DatasetScan scan, SplitOptions options, int[] groupOfImage, SplitPart[] partOfGroup, IReadOnlyList<DatasetImage> withheld)
    {
        Scan = scan;
        Options = options;
        GroupOfImage = groupOfImage;
        PartOfGroup = partOfGroup;
        Withheld = withheld;
    }

    /// <summary>The images that are split (the scan less the withheld ones).</summary>
    public DatasetScan Scan { get; }

    /// <summary>Images of the data left out of every part: copies or near-duplicates of reserved images.</summary>
    public IReadOnlyList<DatasetImage> Withheld { get; }

    public SplitOptions Options { get; }

    /// <summary>Near-duplicate group of every image in <see cref="DatasetScan.Images"/>.</summary>
    public IReadOnlyList<int> GroupOfImage { get; }

    public IReadOnlyList<SplitPart> PartOfGroup { get; }

    public int GroupCount => PartOfGroup.Count;

    public SplitPart PartOf(int imageIndex) => PartOfGroup[GroupOfImage[imageIndex]];

    /// <param name="reserved">
    /// Images no part may contain, nor any near-duplicate of them (a reference set kept for
    /// evaluation): they are grouped together with the data, and every group that holds one is withheld.
    /// </param>
    /// <param name="group">Near-duplicate grouping of a list of images (a <see cref="NearDuplicateCache"/>, say); by default computed afresh.</param>
    public static SplitPlan Create(DatasetScan scan, SplitOptions options, IReadOnlyList<DatasetImage>? reserved = null, Func<IReadOnlyList<DatasetImage>, NearDuplicateSettings, int[]>? group = null)
    {
        options.Fractions.Validate();
        group ??= (images, settings) => NearDuplicateGrouper.Group(images.Select(i => i.Fingerprint).ToList(), settings);
        reserved ??= [];
        var reservedHashes = reserved.Select(r => r.Sha256).ToHashSet(StringComparer.Ordinal);

        // Reserved images that are copies of data images need no grouping of their own: their
        // copies' groups are theirs. Only the others are grouped along with the data.
        var dataHashes = scan.Images.Select(i => i.Sha256).ToHashSet(StringComparer.Ordinal);
        var outside = reserved.Where(r => !dataHashes.Contains(r.Sha256)).ToList();
        var allGroups = group(outside.Count == 0 ? scan.Images : [.. scan.Images, .. outside], options.NearDuplicates);
        var reservedGroups = allGroups.Skip(scan.Images.Count)
            .Concat(scan.Images.Select((image, i) => (image, i)).Where(p => reservedHashes.Contains(p.image.Sha256)).Select(p => allGroups[p.i]))
            .ToHashSet();
        var kept = Enumerable.Range(0, scan.Images.Count).Where(i => !reservedGroups.Contains(allGroups[i])).ToList();
        var withheld = Enumerable.Range(0, scan.Images.Count).Except(kept).Select(i => scan.Images[i]).ToList();

        // Renumber the remaining groups densely, in order of first appearance.
        var renumbered = new Dictionary<int, int>();
        var groups = kept.Select(i => renumbered.TryGetValue(allGroups[i], out var g) ? g : renumbered[allGroups[i]] = renumbered.Count).ToArray();
        var splitScan = withheld.Count == 0 ? scan : scan with { Images = kept.Select(i => scan.Images[i]).ToList() };
        var parts = GroupSplitter.Assign(splitScan.ClassIndices(), groups, splitScan.Classes.Count, options.Fractions, options.Seed, HeldOutPhotos(splitScan, groups, options));
        return new SplitPlan(splitScan, options, groups, parts, withheld);
    }

    /// <summary>The groups holding the faces of the photos held out for validation (none unless asked for).</summary>
    private static Dictionary<int, SplitPart>? HeldOutPhotos(DatasetScan scan, int[] groups, SplitOptions options)
    {
        if (options.ValidationPhotos <= 0)
        {
            return null;
        }

        var photoOf = scan.Sources.Select(source => (source, Manifest: PhotoFaceManifest.Load(source)))
            .Where(m => m.Manifest is not null)
            .SelectMany(m => m.Manifest!.Faces.Select(f => (Key: (m.source, f.File), f.Photo))) // by name, so the choice does not depend on where the folder lives
            .ToDictionary(f => f.Key, f => f.Photo);
        var photos = photoOf.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        new Random(options.Seed).Shuffle(photos);
        var heldOut = photos.Take((int)Math.Round(options.ValidationPhotos * photos.Length)).ToHashSet(StringComparer.Ordinal);
        return scan.Images.Select((image, i) => (image, i))
            .Where(x => photoOf.TryGetValue((x.image.Source, x.image.RelativePath), out var photo) && heldOut.Contains(photo))
            .Select(x => groups[x.i]).Distinct().ToDictionary(g => g, _ => SplitPart.Val);
    }

    /// <summary>Classes that end up with no image in some part, with the parts they miss: such a split cannot train and evaluate a model.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<SplitPart>> MissingParts()
    {
        var counts = Counts();
        return Scan.Classes
            .Select(c => (Class: c, Missing: (IReadOnlyList<SplitPart>)Enum.GetValues<SplitPart>().Where(p => counts[p][c] == 0).ToList()))
            .Where(m => m.Missing.Count > 0)
            .ToDictionary(m => m.Class, m => m.Missing);
    }

    /// <summary>Images per part and class (duplicates counted once per distinct file content).</summary>
    public IReadOnlyDictionary<SplitPart, IReadOnlyDictionary<string, int>> Counts()
    {
        var counts = new Dictionary<SplitPart, IReadOnlyDictionary<string, int>>();
        foreach (var part in Enum.GetValues<SplitPart>())
        {
            counts[part] = Scan.Classes.ToDictionary(
                c => c,
                c => Scan.Images.Where((image, i) => image.Class == c && PartOf(i) == part)
                    .Select(image => image.Sha256).Distinct().Count());
        }

        return counts;
    }

    /// <summary>
    /// A stable identity of the labelled content (class and sha256 of every image), independent
    /// of file names and folder locations: two datasets with the same fingerprint train the same.
    /// </summary>
    public static string Fingerprint(DatasetScan scan)
    {
        var lines = scan.Images.Select(i => $"{i.Class}\t{i.Sha256}").Distinct().Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }
}
