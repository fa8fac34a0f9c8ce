using System.Diagnostics;
using FaceMask.Tests.Support;
using FaceMask.Training.Detection;
using FaceMask.Training.Synthetic;
using OpenCvSharp;

namespace FaceMask.Tests.Detection;

/// <summary>Small faces in a larger photo: composed scenes of drawn faces at known places and sizes.</summary>
public sealed class FaceFinderTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    private readonly BlazeFaceDetector detector = fixture.Detector;

    [Fact]
    public void Tiles_cover_the_photo_at_every_level_down_to_the_smallest_face()
    {
        var tiles = FaceFinder.Tiles(400, 300, minFace: 16).ToList();

        Assert.Equal(new Rect(0, 0, 400, 300), tiles[0]);
        var sides = tiles.Skip(1).Select(t => t.Width).Distinct().ToList();
        Assert.Equal([150, 75], sides); // halved from the short side until at most 5 x 16 px
        foreach (var side in sides)
        {
            var level = tiles.Where(t => t.Width == side).ToList();
            Assert.All(level, t => Assert.True(t.X >= 0 && t.Y >= 0 && t.Right <= 400 && t.Bottom <= 300, $"{t} leaves the photo"));
            Assert.Contains(level, t => t.Right == 400 && t.Bottom == 300); // the last tiles are flush with the edges
        }
    }

    [Fact]
    public void Finds_drawn_faces_of_every_size_in_a_scene_at_their_places()
    {
        // Drawn faces (their head fills about half the drawing) pasted into one 480 x 320 photo, masked and not.
        var placements = new (int X, int Y, int Size, MaskState State)[]
        {
            (10, 10, 200, MaskState.None),
            (240, 20, 100, MaskState.Correct),
            (360, 30, 64, MaskState.None),
            (250, 200, 48, MaskState.Incorrect),
            (330, 230, 40, MaskState.None),
            (420, 150, 40, MaskState.Correct),
        };
        var (scene, noses) = TestImages.Scene(480, 320, placements);
        using var _ = scene;

        var finder = new FaceFinder(detector);
        var whole = detector.Detect(scene);
        var watch = Stopwatch.StartNew();
        var faces = finder.Find(scene, minFace: 12);
        watch.Stop();

        var found = noses.Count(nose => faces.Any(f => f.Box.Contains(nose)));
        var foundWhole = noses.Count(nose => whole.Any(f => f.Box.Contains(nose)));
        TestContext.Current.SendDiagnosticMessage($"one pass found {foundWhole} of {noses.Count}, tiles {found}, in {watch.ElapsedMilliseconds} ms");
        Assert.True(found >= noses.Count - 1, $"found {found} of {noses.Count} faces (one pass alone: {foundWhole})");
        Assert.True(found > foundWhole, $"tiling found {found}, one pass {foundWhole}: the tiles add nothing");
        Assert.True(faces.Count <= noses.Count + 1, $"{faces.Count} detections for {noses.Count} faces");
        Assert.All(faces, f => Assert.True(faces.Count(g => g.Box.Contains(f[FaceKeypoint.NoseTip])) == 1, $"face at {f.Box} is reported twice"));
    }
}
