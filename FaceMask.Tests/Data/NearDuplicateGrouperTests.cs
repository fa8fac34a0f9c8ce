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
    public void Reports_each_pass_in_order_up_to_its_total_without_changing_the_groups()
    {
        using var directory = new TempDirectory();
        var dataset = CopiesDataset.Write(directory.Path, facesPerClass: 8, seed: 21);
        var fingerprints = DatasetScanner.Scan([dataset.Root], cancellationToken: TestContext.Current.CancellationToken).Images.Select(i => i.Fingerprint).ToList();
        var reports = new List<GroupingProgress>();

        var groups = NearDuplicateGrouper.Group(fingerprints, progress: new Recorder(reports));

        Assert.Equal(NearDuplicateGrouper.Group(fingerprints), groups);
        Assert.Equal(new GroupingProgress(GroupingPhase.Comparing, 0, fingerprints.Count), reports[0]);
        var comparing = reports.TakeWhile(r => r.Phase == GroupingPhase.Comparing).ToList();
        var aligning = reports.Skip(comparing.Count).ToList();
        Assert.Equal(fingerprints.Count, comparing[^1].Done);
        Assert.All(aligning, r => Assert.Equal(GroupingPhase.Aligning, r.Phase)); // the passes do not interleave
        Assert.True(aligning[^1].Total > 0, "the re-cropped copies left no look-alike pair to align");
        Assert.Equal(aligning[^1].Total, aligning[^1].Done);
        foreach (var pass in new[] { comparing, aligning })
        {
            Assert.Equal(pass.Select(r => r.Done).Order(), pass.Select(r => r.Done)); // never backwards, though reported from several threads
            Assert.InRange(pass.Count, 2, 102);                                        // about a hundred reports a pass, not one per item
        }
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

    /// <summary>Keeps every report as it arrives, on the reporting thread (the grouper reports under its own lock).</summary>
    private sealed class Recorder(List<GroupingProgress> reports) : IProgress<GroupingProgress>
    {
        public void Report(GroupingProgress value) => reports.Add(value);
    }
}
