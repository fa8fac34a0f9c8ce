using System.Diagnostics;
using FaceMask.Tests.Support;
using FaceMask.Training.Detection;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Detection;

/// <summary>Small faces in a larger photo: composed scenes of drawn faces at known places and sizes.</summary>
public sealed class FaceFinderTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    private readonly BlazeFaceDetector detector = fixture.Detector;

    [Fact]
    public void The_pyramid_starts_where_the_smallest_face_is_found_and_stops_where_the_whole_view_takes_over()
    {
        // 400 x 300: the whole-photo view (letterboxed into 128 px) finds faces from 20 / 0.32 = 62.5 px.
        var scales = FaceFinder.Scales(400, 300, minFace: 16, inputSize: 128);
        Assert.Equal([1.25f, 1.25f / 3], scales); // a 16 px face swept at 20 px, then 48 px and up at 20 px
        Assert.Equal([0.5f], FaceFinder.Scales(400, 300, minFace: 40, inputSize: 128));
        Assert.Empty(FaceFinder.Scales(400, 300, minFace: 64, inputSize: 128)); // the whole view alone
        Assert.Equal(4, FaceFinder.Scales(4000, 3000, minFace: 16, inputSize: 128).Count); // a larger photo, more levels
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
        TestContext.Current.SendDiagnosticMessage($"the whole view found {foundWhole} of {noses.Count}, the pyramid {found}, in {watch.ElapsedMilliseconds} ms");
        Assert.True(found >= noses.Count - 1, $"found {found} of {noses.Count} faces (one pass alone: {foundWhole})");
        Assert.True(found > foundWhole, $"the pyramid found {found}, the whole view {foundWhole}: the sweep adds nothing");
        Assert.True(faces.Count <= noses.Count + 1, $"{faces.Count} detections for {noses.Count} faces");
        Assert.All(faces, f => Assert.True(faces.Count(g => g.Box.Contains(f[FaceKeypoint.NoseTip])) == 1, $"face at {f.Box} is reported twice"));
    }
}
