using FaceMask.Tests.Support;
using FaceMask.Training.Data;

namespace FaceMask.Tests.Data;

/// <summary>Checks on the real public dataset in ../shared/datasets, skipped where it is absent.</summary>
public class SharedDatasetTests
{
    [Fact]
    public void The_incorrectly_worn_class_collapses_into_a_few_dozen_faces_without_chaining()
    {
        var shared = RepositoryPaths.SharedFaceMaskDataset;
        Assert.SkipWhen(shared is null, "../shared/datasets/facemask is not on this machine.");
        using var directory = new TempDirectory();
        Directory.CreateSymbolicLink(directory.Combine("mask_weared_incorrect"), Path.Combine(shared!, "mask_weared_incorrect"));

        var scan = DatasetScanner.Scan([directory.Path], cancellationToken: TestContext.Current.CancellationToken);
        var groups = NearDuplicateGrouper.Group(scan.Images.Select(i => i.Fingerprint).ToList());

        // The dataset's README: "mostly brightness-shifted and mirrored copies of a few dozen source faces".
        var sizes = groups.GroupBy(g => g).Select(g => g.Count()).ToList();
        Assert.True(scan.Images.Count > 2000, $"{scan.Images.Count} images");
        Assert.InRange(sizes.Count, 24, 96);
        Assert.True(sizes.Max() < scan.Images.Count / 10, $"largest group {sizes.Max()}: chained copies of different faces");
    }
}
