using FaceMask.Api.Retraining;
using FaceMask.Tests.Cli;
using FaceMask.Tests.Support;
using FaceMask.Training.Cli;
using FaceMask.Training.Data;
using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Data;

/// <summary>Faces cut from photos are split leak-free: a photo's faces together, each face with the crops its annotated box matches.</summary>
[Collection(CliCollection.Name)]
public sealed class PhotoFaceGroupingTests
{
    [Fact]
    public void Faces_of_one_photo_share_a_group_and_a_face_joins_the_crop_its_annotated_box_matches()
    {
        using var directory = new TempDirectory();
        var crops = directory.Combine("crops");
        var faces = directory.Combine("faces");
        var cropFiles = new List<string>();
        for (var seed = 0; seed < 6; seed++)
        {
            cropFiles.Add(Write(crops, $"without_mask/crop{seed}.png", SyntheticFaces.Encode(SyntheticFaces.Draw(MaskState.None, seed), ImageFormat.Png)));
        }

        // Photo a: two different faces. Photo b: one face, whose annotated box is crop 0 (the crops were cut from the photos).
        byte[] Drawn(int seed) => SyntheticFaces.Encode(SyntheticFaces.Draw(MaskState.Correct, seed, 96), ImageFormat.Png);
        Write(faces, "with_mask/a.face00.png", Drawn(100));
        Write(faces, ".annotated/with_mask/a.face00.png", Drawn(100));
        Write(faces, "with_mask/a.face01.png", Drawn(101));
        Write(faces, ".annotated/with_mask/a.face01.png", Drawn(101));
        Write(faces, "without_mask/b.face00.png", Drawn(102));
        Write(faces, ".annotated/without_mask/b.face00.png", File.ReadAllBytes(cropFiles[0]));
        var manifest = new PhotoFaceManifest("test", 1.25, 16,
        [
            new("with_mask/a.face00.png", "a.jpg", ".annotated/with_mask/a.face00.png"),
            new("with_mask/a.face01.png", "a.jpg", ".annotated/with_mask/a.face01.png"),
            new("without_mask/b.face00.png", "b.jpg", ".annotated/without_mask/b.face00.png"),
        ]);
        manifest.Save(faces);

        var scan = DatasetScanner.Scan([crops, faces], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(9, scan.Images.Count); // the annotated boxes are not data
        var groups = PhotoFaceGrouping.Group(scan.Images, new NearDuplicateSettings());
        int GroupOf(string relativePath, string source) => groups[scan.Images.Select((image, i) => (image, i)).Single(x => x.image.Source == source && x.image.RelativePath == relativePath).i];

        Assert.Equal(GroupOf("with_mask/a.face00.png", faces), GroupOf("with_mask/a.face01.png", faces));
        Assert.Equal(GroupOf("without_mask/crop0.png", crops), GroupOf("without_mask/b.face00.png", faces));
        Assert.NotEqual(GroupOf("with_mask/a.face00.png", faces), GroupOf("without_mask/b.face00.png", faces));
        Assert.Equal(Enumerable.Range(0, groups.Max() + 1), groups.Distinct().Order()); // numbered densely
        Assert.Equal(groups, new NearDuplicateCache().Group(scan.Images, new NearDuplicateSettings())); // a retrain groups as `facemask split` does

        // Photos held out for validation are recorded only where the data hold faces cut from photos.
        var heldOut = new SplitOptions { ValidationPhotos = 0.5 };
        Assert.Equal(0.5, SplitManifest.From(SplitPlan.Create(scan, heldOut), DateTimeOffset.UnixEpoch).Fractions["validation_photos"]);
        var cropsOnly = DatasetScanner.Scan([crops], cancellationToken: TestContext.Current.CancellationToken);
        Assert.DoesNotContain("validation_photos", SplitManifest.From(SplitPlan.Create(cropsOnly, heldOut), DateTimeOffset.UnixEpoch).Fractions.Keys);

        // A retrain's split, with the service's defaults, is `split --seed 42 --validation-photos 0.3`'s, and holds a photo out in val.
        var retrain = SplitPlan.Create(scan, new RetrainingOptions().ToSplitOptions(), group: new NearDuplicateCache().Group);
        var cli = SplitPlan.Create(scan, new SplitOptions { Seed = 42, ValidationPhotos = 0.3 }, group: PhotoFaceGrouping.Group);
        Assert.Equal(Enumerable.Range(0, scan.Images.Count).Select(cli.PartOf), Enumerable.Range(0, scan.Images.Count).Select(retrain.PartOf));
        Assert.Contains(Enumerable.Range(0, scan.Images.Count), i => scan.Images[i].Source == faces && retrain.PartOf(i) == SplitPart.Val);

        // Without a manifest the split's grouping is the near-duplicate grouping itself: older splits keep their digest.
        File.Delete(Path.Combine(faces, PhotoFaceManifest.FileName));
        Assert.Equal(NearDuplicateGrouper.Group(scan.Images.Select(i => i.Fingerprint).ToList()), PhotoFaceGrouping.Group(scan.Images, new NearDuplicateSettings()));
    }

    [Fact]
    public async Task Cut_faces_frames_real_photos_faces_and_split_keeps_each_photo_in_one_part()
    {
        var photos = RepositoryPaths.SharedFaceMaskPhotos;
        Assert.SkipWhen(photos is null, "../shared/datasets/facemask-photos is not on this machine.");
        using var directory = new TempDirectory();
        var sample = directory.Combine("photos");
        var annotations = TestImages.LinkPhotos(photos!, sample, 60);

        var models = Path.Combine(RepositoryPaths.Root, "models");
        var faces = directory.Combine("faces");
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["cut-faces", "--photos", sample, "--out", faces, "--models", models]));

        var manifest = PhotoFaceManifest.Load(faces)!;
        Assert.StartsWith("yunet-n", manifest.Detector);
        var files = Directory.EnumerateDirectories(faces).Where(d => !Path.GetFileName(d).StartsWith('.')).SelectMany(Directory.EnumerateFiles).Select(f => Path.GetRelativePath(faces, f)).Order(StringComparer.Ordinal);
        Assert.Equal(files, manifest.Faces.Select(f => f.File).Order(StringComparer.Ordinal));
        Assert.True(manifest.Faces.Count >= 100, $"{manifest.Faces.Count} faces cut from 60 photos");
        var byPhoto = annotations.ToDictionary(a => Path.GetFileName(a.ImagePath));
        Assert.All(manifest.Faces, face =>
        {
            using var cut = ImageDecoder.DecodeFile(Path.Combine(faces, face.File));
            using var annotated = ImageDecoder.DecodeFile(Path.Combine(faces, face.AnnotatedFile));
            Assert.Equal(cut.Width, cut.Height); // the serving framing is square
            // The name says which annotated face it is (photo.faceNN); its class folder and its kept box are that face's.
            var truth = byPhoto[face.Photo].Faces[int.Parse(face.File.Split(".face")[1][..2], System.Globalization.CultureInfo.InvariantCulture)];
            Assert.StartsWith(truth.Class + "/", face.File);
            using var photo = ImageDecoder.DecodeFile(byPhoto[face.Photo].ImagePath);
            Assert.Equal(FaceCrop.Exact(truth.Box, photo.Width, photo.Height).Size, annotated.Size());
        });
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["cut-faces", "--photos", sample, "--out", faces, "--models", models])); // never over an existing folder

        var split = directory.Combine("split");
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["split", "--data", faces, "--out", split, "--seed", "1"]));
        var photoOf = manifest.Faces.ToDictionary(f => f.File, f => f.Photo);
        var partsOfPhoto = SplitManifest.Load(split).Files.GroupBy(f => photoOf[f.Path]).ToDictionary(g => g.Key, g => g.Select(f => f.Split).Distinct().ToList());
        Assert.All(partsOfPhoto, photo => Assert.True(photo.Value.Count == 1, $"{photo.Key} is split across {string.Join(", ", photo.Value)}"));
        Assert.True(partsOfPhoto.Values.Select(p => p[0]).Distinct().Count() >= 2, "whole photos still go to more than one part");

        // Half the photos held out for validation: exactly those photos' faces are in val, whole, and the rest fill the parts as before.
        var heldOut = directory.Combine("held-out");
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["split", "--data", faces, "--out", heldOut, "--seed", "1", "--validation-photos", "0.5"]));
        Assert.Equal(0.5, SplitManifest.Load(heldOut).Fractions["validation_photos"]);
        var inVal = SplitManifest.Load(heldOut).Files.GroupBy(f => photoOf[f.Path]).Where(g => g.All(f => f.Split == "val")).Select(g => g.Key).ToList();
        var photoCount = manifest.Faces.Select(f => f.Photo).Distinct().Count();
        Assert.InRange(inVal.Count, photoCount / 2, photoCount - 1);
        Assert.All(SplitManifest.Load(heldOut).Files.GroupBy(f => photoOf[f.Path]), photo => Assert.Single(photo.Select(f => f.Split).Distinct()));
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["split", "--data", faces, "--out", directory.Combine("x"), "--validation-photos", "1"]));
    }

    private static string Write(string root, string relativePath, byte[] bytes)
    {
        var path = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
