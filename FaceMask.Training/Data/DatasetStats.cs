namespace FaceMask.Training.Data;

/// <summary>What <c>facemask stats</c> reports: counts, sizes, and the duplicate structure that decides how honest a split can be.</summary>
public sealed record DatasetStats(
    IReadOnlyList<string> Sources,
    int Images,
    IReadOnlyDictionary<string, ClassStats> Classes,
    IReadOnlyDictionary<string, int> Formats,
    IReadOnlyDictionary<string, int> Sizes,
    int ExactDuplicateSets,
    int ExactDuplicateExtraCopies,
    NearDuplicateSettings NearDuplicateSettings,
    int NearDuplicateGroups,
    int CrossClassGroups,
    IReadOnlyList<UnreadableFile> Unreadable)
{
    /// <summary>The groups that span classes, each image named by its folder and path: the same face under two labels (a labelling mistake, or a leak the split must keep together).</summary>
    public IReadOnlyList<IReadOnlyList<GroupMember>> CrossClassGroupMembers { get; init; } = [];

    /// <param name="progress">Told how far the near-duplicate grouping (the slow part) is.</param>
    public static DatasetStats Compute(DatasetScan scan, NearDuplicateSettings settings, IProgress<GroupingProgress>? progress = null)
    {
        var groups = NearDuplicateGrouper.Group(scan.Images.Select(i => i.Fingerprint).ToList(), settings, progress);
        var groupSizes = groups.GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());
        var exact = scan.ExactDuplicates();

        var classes = scan.Classes.ToDictionary(name => name, name =>
        {
            var indices = Enumerable.Range(0, scan.Images.Count).Where(i => scan.Images[i].Class == name).ToList();
            var classGroups = indices.GroupBy(i => groups[i]).Select(g => g.Count()).ToList();
            return new ClassStats(
                Images: indices.Count,
                ExactDuplicateExtraCopies: indices.Count - indices.Select(i => scan.Images[i].Sha256).Distinct().Count(),
                NearDuplicateGroups: classGroups.Count,
                Singletons: classGroups.Count(size => size == 1),
                LargestGroup: classGroups.DefaultIfEmpty(0).Max(),
                ImagesInSharedGroups: indices.Count(i => groupSizes[groups[i]] > 1),
                ImagesPerGroup: classGroups.Count == 0 ? 0 : Math.Round((double)indices.Count / classGroups.Count, 2));
        });

        var crossClass = Enumerable.Range(0, scan.Images.Count).GroupBy(i => groups[i])
            .Where(g => g.Select(i => scan.Images[i].Class).Distinct().Count() > 1)
            .Select(g => (IReadOnlyList<GroupMember>)g.Select(i => new GroupMember(scan.Images[i].Class, scan.Images[i].Source, scan.Images[i].RelativePath)).ToList())
            .ToList();
        return new DatasetStats(
            scan.Sources,
            scan.Images.Count,
            classes,
            scan.Images.GroupBy(i => i.Header.Format.ToString().ToLowerInvariant())
                .OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
            scan.Images.GroupBy(i => $"{i.Header.Width}x{i.Header.Height}")
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(10)
                .ToDictionary(g => g.Key, g => g.Count()),
            exact.Count,
            exact.Sum(set => set.Count - 1),
            settings,
            groupSizes.Count,
            crossClass.Count,
            scan.Unreadable)
        {
            CrossClassGroupMembers = crossClass,
        };
    }
}

/// <summary>Per-class figures. A class whose images sit in few, large groups has little real variety.</summary>
/// <param name="ImagesInSharedGroups">Images that have at least one near-duplicate.</param>
public sealed record ClassStats(
    int Images,
    int ExactDuplicateExtraCopies,
    int NearDuplicateGroups,
    int Singletons,
    int LargestGroup,
    int ImagesInSharedGroups,
    double ImagesPerGroup);

/// <summary>One image of a near-duplicate group: its class, the dataset folder it is in and its path there.</summary>
public sealed record GroupMember(string Class, string Source, string RelativePath);
