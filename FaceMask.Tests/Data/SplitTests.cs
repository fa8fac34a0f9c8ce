using FaceMask.Tests.Support;
using FaceMask.Training.Common;
using FaceMask.Training.Data;

namespace FaceMask.Tests.Data;

public sealed class SplitTests : IClassFixture<SplitTests.Fixture>
{
    private readonly Fixture fixture;

    public SplitTests(Fixture fixture) => this.fixture = fixture;

    /// <summary>One generated dataset with copies, scanned once, shared by the tests.</summary>
    public sealed class Fixture : IDisposable
    {
        private readonly TempDirectory directory = new();

        public Fixture()
        {
            Dataset = CopiesDataset.Write(directory.Combine("Dataset"), facesPerClass: 14, seed: 3);
            Scan = DatasetScanner.Scan([Dataset.Root], cancellationToken: TestContext.Current.CancellationToken);
        }

        public CopiesDataset Dataset { get; }

        public DatasetScan Scan { get; }

        public void Dispose() => directory.Dispose();
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var first = SplitPlan.Create(fixture.Scan, new SplitOptions { Seed = 42 });
        var again = SplitPlan.Create(DatasetScanner.Scan([fixture.Dataset.Root], cancellationToken: TestContext.Current.CancellationToken), new SplitOptions { Seed = 42 });
        var other = SplitPlan.Create(fixture.Scan, new SplitOptions { Seed = 43 });

        var parts = Parts(first);
        Assert.Equal(parts, Parts(again));
        Assert.NotEqual(parts, Parts(other));
    }

    [Fact]
    public void The_assignment_digest_names_which_file_went_where_and_nothing_else()
    {
        var created = DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture);
        var first = SplitManifest.From(SplitPlan.Create(fixture.Scan, new SplitOptions { Seed = 42 }), created);
        var later = SplitManifest.From(SplitPlan.Create(fixture.Scan, new SplitOptions { Seed = 42 }), created.AddDays(1));
        var other = SplitManifest.From(SplitPlan.Create(fixture.Scan, new SplitOptions { Seed = 43 }), created);

        Assert.Matches("^[0-9a-f]{64}$", first.AssignmentDigest);
        Assert.Equal(first.AssignmentDigest, later.AssignmentDigest); // when it was made does not matter
        Assert.Equal(first.AssignmentDigest, SplitManifest.Digest(first.Files.Select(f => f with { Source = "/elsewhere" }).Reverse()));
        Assert.NotEqual(first.AssignmentDigest, other.AssignmentDigest);

        // Moving one file to another part changes it.
        var moved = first.Files.Select((f, i) => i == 0 ? f with { Split = f.Split == "test" ? "train" : "test" } : f);
        Assert.NotEqual(first.AssignmentDigest, SplitManifest.Digest(moved));
    }

    [Fact]
    public void Reserved_images_and_every_copy_of_their_faces_are_withheld_and_the_grouping_can_be_reused()
    {
        // Reserve one image of each of three faces that have copies: the first stays in the data
        // too (a byte-identical file), the other two are taken out of it (they live only in the reference set).
        var byFace = fixture.Scan.Images.GroupBy(i => fixture.Dataset.FaceOf[i.RelativePath]).Where(g => g.Count() > 1).Take(3).ToList();
        var reservedFaces = byFace.Select(g => g.Key).ToHashSet();
        var reserved = byFace.Select(g => g.First()).ToList();
        var data = fixture.Scan with { Images = fixture.Scan.Images.Except(reserved.Skip(1)).ToList() };
        var cache = new NearDuplicateCache();

        var plan = SplitPlan.Create(data, new SplitOptions { Seed = 42 }, reserved, cache.Group);
        var again = SplitPlan.Create(data, new SplitOptions { Seed = 42 }, reserved, cache.Group);

        Assert.DoesNotContain(plan.Scan.Images, i => reservedFaces.Contains(fixture.Dataset.FaceOf[i.RelativePath]));
        Assert.All(plan.Withheld, i => Assert.Contains(fixture.Dataset.FaceOf[i.RelativePath], reservedFaces));
        Assert.Equal(data.Images.Count, plan.Scan.Images.Count + plan.Withheld.Count);
        Assert.Equal(Parts(plan), Parts(again));
        Assert.Equal((1, 1), cache.Counts); // the second plan grouped nothing
    }

    [Fact]
    public void Every_copy_of_a_face_lands_in_the_same_part()
    {
        foreach (var seed in new[] { 1, 2, 3, 42 })
        {
            var plan = SplitPlan.Create(fixture.Scan, new SplitOptions { Seed = seed });

            var partsOfFace = fixture.Scan.Images.Select((image, i) => (Face: fixture.Dataset.FaceOf[image.RelativePath], Part: plan.PartOf(i)))
                .GroupBy(x => x.Face)
                .Select(g => g.Select(x => x.Part).Distinct().Count());
            Assert.All(partsOfFace, count => Assert.Equal(1, count));

            var partsOfGroup = fixture.Scan.Images.Select((_, i) => (Group: plan.GroupOfImage[i], Part: plan.PartOf(i)))
                .GroupBy(x => x.Group)
                .Select(g => g.Select(x => x.Part).Distinct().Count());
            Assert.All(partsOfGroup, count => Assert.Equal(1, count));
        }
    }

    [Fact]
    public void Parts_are_stratified_by_class()
    {
        var plan = SplitPlan.Create(fixture.Scan, new SplitOptions { Seed = 7, Fractions = new SplitFractions(0.2, 0.2) });

        // 14 faces x 5 copies per class: 20% is 14 images, i.e. 2-3 whole faces per class and part.
        foreach (var (part, counts) in plan.Counts())
        {
            foreach (var (className, count) in counts)
            {
                var expected = 70 * (part == SplitPart.Train ? 0.6 : 0.2);
                Assert.InRange(count, expected - 10, expected + 10);
            }
        }
    }

    [Fact]
    public void Writes_the_split_folders_and_manifest_and_replaces_an_earlier_split()
    {
        using var output = new TempDirectory();
        File.WriteAllText(output.Combine("README.md"), "kept");
        var created = DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture);

        SplitWriter.Write(SplitPlan.Create(fixture.Scan, new SplitOptions { Seed = 1 }), output.Path, created);
        var result = SplitWriter.Write(SplitPlan.Create(fixture.Scan, new SplitOptions { Seed = 2 }), output.Path, created);

        Assert.Equal("kept", File.ReadAllText(output.Combine("README.md")));
        var onDisk = Directory.EnumerateFiles(output.Path, "*.jpg", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(output.Path, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        var manifest = SplitManifest.Load(output.Path);
        Assert.Equal(manifest.Files.Select(f => f.Output).Distinct().Order(StringComparer.Ordinal), onDisk); // nothing stale from seed 1
        Assert.Equal(result.Written, onDisk.Count);
        Assert.Equal(result.Written, result.Linked); // same file system: hard links, no copies
        Assert.Equal(2, manifest.Seed);
        Assert.Equal(fixture.Scan.Images.Count, manifest.Files.Count);
        Assert.Equal(["mask_weared_incorrect", "with_mask", "without_mask"], manifest.Classes);
        Assert.Equal(SplitPlan.Fingerprint(fixture.Scan), manifest.Fingerprint);
        Assert.Empty(Directory.EnumerateDirectories(output.Path, ".*")); // no staging leftovers

        foreach (var file in manifest.Files.Take(10))
        {
            var bytes = File.ReadAllBytes(Path.Combine(output.Path, file.Output));
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
            Assert.StartsWith($"{file.Split}/{file.Class}/", file.Output);
        }

        var json = File.ReadAllText(output.Combine("split.json"));
        Assert.Contains("\"near_duplicates\"", json);
        Assert.Equal(manifest, Json.Deserialize<SplitManifest>(json), SplitManifestComparer.Instance);
    }

    [Fact]
    public void Byte_identical_copies_become_one_output_file()
    {
        using var directory = new TempDirectory();
        var root = directory.Combine("Dataset");
        Directory.CreateDirectory(Path.Combine(root, "with_mask"));
        var bytes = TestImages.Face(FaceMask.Training.Synthetic.MaskState.Correct, seed: 1);
        File.WriteAllBytes(Path.Combine(root, "with_mask", "a.jpg"), bytes);
        File.WriteAllBytes(Path.Combine(root, "with_mask", "b.jpg"), bytes);

        var result = SplitWriter.Write(SplitPlan.Create(DatasetScanner.Scan([root], cancellationToken: TestContext.Current.CancellationToken), new SplitOptions()), directory.Combine("out"), DateTimeOffset.UtcNow);

        Assert.Equal(1, result.Written);
        Assert.Equal(2, result.Manifest.Files.Count);
        Assert.Single(result.Manifest.Files.Select(f => f.Output).Distinct());
    }

    [Theory]
    [InlineData(-0.1, 0.1)]
    [InlineData(0.5, 0.5)]
    public void Rejects_fractions_that_leave_nothing_for_training(double val, double test)
    {
        var error = Assert.Throws<ArgumentException>(() => SplitPlan.Create(fixture.Scan, new SplitOptions { Fractions = new SplitFractions(val, test) }));
        Assert.Contains("leave something for training", error.Message);
    }

    private static List<SplitPart> Parts(SplitPlan plan) => Enumerable.Range(0, plan.Scan.Images.Count).Select(plan.PartOf).ToList();

    /// <summary>Compares manifests by value, including their lists and dictionaries.</summary>
    private sealed class SplitManifestComparer : IEqualityComparer<SplitManifest>
    {
        public static readonly SplitManifestComparer Instance = new();

        public bool Equals(SplitManifest? x, SplitManifest? y) => Json.Serialize(x) == Json.Serialize(y);

        public int GetHashCode(SplitManifest obj) => 0;
    }
}

/// <summary>Groups whose part is decided beforehand (photos held out for validation) keep it; the others fill the targets around them.</summary>
public sealed class GroupSplitterTests
{
    [Fact]
    public void Fixed_groups_keep_their_part_and_count_against_the_targets()
    {
        // 200 single-image groups of two classes, and one large group of 40 images of class 0.
        var classes = Enumerable.Range(0, 200).Select(i => i % 2).Concat(Enumerable.Repeat(0, 40)).ToArray();
        var groups = Enumerable.Range(0, 200).Concat(Enumerable.Repeat(200, 40)).ToArray();
        var fractions = new SplitFractions(0.15, 0.15);

        var free = GroupSplitter.Assign(classes, groups, 2, fractions, seed: 3);
        var sameWithoutFixing = GroupSplitter.Assign(classes, groups, 2, fractions, seed: 3, new Dictionary<int, SplitPart>());
        var fixedToVal = GroupSplitter.Assign(classes, groups, 2, fractions, seed: 3, new Dictionary<int, SplitPart> { [200] = SplitPart.Val });

        Assert.Equal(free, sameWithoutFixing);
        Assert.Equal(SplitPart.Train, free[200]); // largest first: the big group goes where most is lacking
        Assert.Equal(SplitPart.Val, fixedToVal[200]);
        // Class 0's validation target (0.15 of 140 = 21) is already met by the fixed group: no more class-0 singletons go to val.
        Assert.DoesNotContain(Enumerable.Range(0, 200).Where(g => g % 2 == 0), g => fixedToVal[g] == SplitPart.Val);
        Assert.Contains(Enumerable.Range(0, 200).Where(g => g % 2 == 1), g => fixedToVal[g] == SplitPart.Val);
    }
}
