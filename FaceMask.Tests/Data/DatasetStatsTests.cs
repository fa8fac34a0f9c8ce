using FaceMask.Tests.Support;
using FaceMask.Training.Data;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Data;

public class DatasetStatsTests
{
    [Fact]
    public void Reports_counts_duplicates_groups_and_unreadable_files()
    {
        using var directory = new TempDirectory();
        var dataset = CopiesDataset.Write(directory.Path, facesPerClass: 3, seed: 8);
        var withMask = Path.Combine(dataset.Root, "with_mask");
        File.Copy(Path.Combine(withMask, "with_mask-0-copy0.jpg"), Path.Combine(withMask, "exact-copy.jpg"));
        File.WriteAllText(Path.Combine(withMask, "notes.jpg"), "not an image");
        File.WriteAllBytes(Path.Combine(withMask, "cut.jpg"), TestImages.Face(MaskState.Correct, 99)[..500]);
        File.WriteAllText(Path.Combine(withMask, ".hidden"), "ignored");
        Directory.CreateDirectory(Path.Combine(dataset.Root, "empty_class"));

        var scan = DatasetScanner.Scan([dataset.Root], cancellationToken: TestContext.Current.CancellationToken);
        var stats = DatasetStats.Compute(scan, new NearDuplicateSettings());

        Assert.Equal(["empty_class", "mask_weared_incorrect", "with_mask", "without_mask"], stats.Classes.Keys);
        Assert.Equal(0, stats.Classes["empty_class"].Images);
        Assert.Equal(16, stats.Classes["with_mask"].Images);
        Assert.Equal(1, stats.Classes["with_mask"].ExactDuplicateExtraCopies);
        Assert.Equal(3, stats.Classes["with_mask"].NearDuplicateGroups);
        Assert.Equal(6, stats.Classes["with_mask"].LargestGroup);
        Assert.Equal(0, stats.Classes["with_mask"].Singletons);
        Assert.Equal(1, stats.ExactDuplicateSets);
        Assert.Equal(9, stats.NearDuplicateGroups);
        Assert.Equal(0, stats.CrossClassGroups);
        Assert.Equal(new Dictionary<string, int> { ["128x128"] = 46 }, stats.Sizes);
        Assert.Equal(2, stats.Unreadable.Count);
        Assert.Contains(stats.Unreadable, u => u.Path.EndsWith("notes.jpg") && u.Reason.Contains("not a JPEG, PNG, BMP or WebP"));
        Assert.Contains(stats.Unreadable, u => u.Path.EndsWith("cut.jpg") && u.Reason.Contains("truncated"));
    }

    [Fact]
    public void Scanning_a_missing_folder_names_it()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => DatasetScanner.Scan(["/no/such/dataset"], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("/no/such/dataset", error.Message);
    }
}
