using System.Security.Cryptography;
using System.Text;

namespace FaceMask.Training.Data;

/// <summary>Settings of a leak-free split.</summary>
public sealed record SplitOptions
{
    public int Seed { get; init; } = 42;

    public SplitFractions Fractions { get; init; } = SplitFractions.Default;

    public NearDuplicateSettings NearDuplicates { get; init; } = new();
}

/// <summary>
/// Which part every image of a scan goes to: near-duplicates grouped, groups assigned whole.
/// Pure computation, no I/O: <see cref="SplitWriter"/> puts it on disk.
/// </summary>
public sealed class SplitPlan
{
    private SplitPlan(DatasetScan scan, SplitOptions options, int[] groupOfImage, SplitPart[] partOfGroup)
    {
        Scan = scan;
        Options = options;
        GroupOfImage = groupOfImage;
        PartOfGroup = partOfGroup;
    }

    public DatasetScan Scan { get; }

    public SplitOptions Options { get; }

    /// <summary>Near-duplicate group of every image in <see cref="DatasetScan.Images"/>.</summary>
    public IReadOnlyList<int> GroupOfImage { get; }

    public IReadOnlyList<SplitPart> PartOfGroup { get; }

    public int GroupCount => PartOfGroup.Count;

    public SplitPart PartOf(int imageIndex) => PartOfGroup[GroupOfImage[imageIndex]];

    public static SplitPlan Create(DatasetScan scan, SplitOptions options)
    {
        options.Fractions.Validate();
        var groups = NearDuplicateGrouper.Group(scan.Images.Select(i => i.Fingerprint).ToList(), options.NearDuplicates);
        var parts = GroupSplitter.Assign(scan.ClassIndices(), groups, scan.Classes.Count, options.Fractions, options.Seed);
        return new SplitPlan(scan, options, groups, parts);
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
