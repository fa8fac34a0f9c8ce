using FaceMask.Tests.Support;
using FaceMask.Training.Data;
using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using FaceMask.Training.Painting;

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

    [Fact]
    public void The_aligned_portrait_fallback_is_where_the_detector_finds_the_no_mask_faces_features()
    {
        var shared = RepositoryPaths.SharedFaceMaskDataset;
        Assert.SkipWhen(shared is null, "../shared/datasets/facemask is not on this machine.");
        var files = Directory.EnumerateFiles(Path.Combine(shared!, "without_mask")).Order(StringComparer.Ordinal).Take(400).ToList();
        using var detector = BlazeFaceDetector.Front(Path.Combine(RepositoryPaths.Root, "models"));
        var found = new List<FaceGeometry>();
        foreach (var file in files)
        {
            using var image = ImageDecoder.DecodeFile(file);
            var face = FaceGeometry.Locate(image, detector);
            if (face.Detected)
            {
                found.Add(face.Scaled(1f / image.Width));
            }
        }

        // Painting falls back to these fractions of the side where the detector finds no face.
        var fallback = FaceGeometry.Aligned(1, 1);
        static float Median(IEnumerable<float> values) => values.Order().ElementAt(values.Count() / 2);
        var pairs = new (string Name, Func<FaceGeometry, OpenCvSharp.Point2f> Point)[]
        {
            ("image-left eye", g => g.ImageLeftEye), ("image-right eye", g => g.ImageRightEye), ("nose tip", g => g.NoseTip),
            ("mouth", g => g.Mouth), ("image-left ear", g => g.ImageLeftEar), ("image-right ear", g => g.ImageRightEar),
        };
        var medians = pairs.Select(p => (p.Name, Fallback: p.Point(fallback), Median: new OpenCvSharp.Point2f(Median(found.Select(f => p.Point(f).X)), Median(found.Select(f => p.Point(f).Y))))).ToList();
        foreach (var (name, at, median) in medians)
        {
            TestContext.Current.SendDiagnosticMessage($"{name}: median ({median.X:0.000}, {median.Y:0.000}), fallback ({at.X:0.000}, {at.Y:0.000})");
        }

        var box = (Median(found.Select(f => f.Box.X)), Median(found.Select(f => f.Box.Y)), Median(found.Select(f => f.Box.Width)), Median(found.Select(f => f.Box.Height)));
        TestContext.Current.SendDiagnosticMessage($"box: median {box}, fallback {fallback.Box}; {found.Count} of {files.Count} faces found");
        Assert.All(medians, m => Assert.True(Math.Abs(m.Fallback.X - m.Median.X) <= 0.02 && Math.Abs(m.Fallback.Y - m.Median.Y) <= 0.02, $"{m.Name}: fallback ({m.Fallback.X:0.000}, {m.Fallback.Y:0.000}) is not the median ({m.Median.X:0.000}, {m.Median.Y:0.000})"));
        Assert.True(found.Count > files.Count * 0.9, $"the detector found {found.Count} of {files.Count} no-mask faces");
        Assert.InRange(fallback.Box.Width, box.Item3 - 0.03, box.Item3 + 0.03);
        Assert.InRange(fallback.Box.Y, box.Item2 - 0.03, box.Item2 + 0.03);
    }
}
