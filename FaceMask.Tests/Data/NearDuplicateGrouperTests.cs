using FaceMask.Tests.Support;
using FaceMask.Training.Data;

namespace FaceMask.Tests.Data;

public class NearDuplicateGrouperTests
{
    [Fact]
    public void Groups_mirrored_brightness_shifted_and_recropped_copies_and_nothing_else()
    {
        using var directory = new TempDirectory();
        var dataset = CopiesDataset.Write(directory.Path, facesPerClass: 8, seed: 21);
        var scan = DatasetScanner.Scan([dataset.Root], cancellationToken: TestContext.Current.CancellationToken);

        var groups = NearDuplicateGrouper.Group(scan.Images.Select(i => i.Fingerprint).ToList());

        var groupsOfFace = scan.Images.Select((image, i) => (Face: dataset.FaceOf[image.RelativePath], Group: groups[i]))
            .GroupBy(x => x.Face)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Group).Distinct().ToList());
        Assert.Equal(24, groupsOfFace.Count);
        Assert.All(groupsOfFace, face => Assert.Single(face.Value)); // every copy joined its original
        Assert.Equal(24, groups.Distinct().Count());                 // and different faces stay apart
    }

    [Fact]
    public void Numbers_groups_in_order_of_first_member()
    {
        using var directory = new TempDirectory();
        var dataset = CopiesDataset.Write(directory.Path, facesPerClass: 2, seed: 5);
        var scan = DatasetScanner.Scan([dataset.Root], cancellationToken: TestContext.Current.CancellationToken);

        var groups = NearDuplicateGrouper.Group(scan.Images.Select(i => i.Fingerprint).ToList());

        var firstSeen = groups.Distinct().ToList();
        Assert.Equal(Enumerable.Range(0, firstSeen.Count), firstSeen);
    }
}
