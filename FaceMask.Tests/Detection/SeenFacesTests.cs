using FaceMask.Tests.Support;
using FaceMask.Training.Detection;
using FaceMask.Training.Synthetic;
using OpenCvSharp;

namespace FaceMask.Tests.Detection;

/// <summary>evaluate-detection --seen: a photo's face counts as seen when the training crops hold a near-identical copy of it.</summary>
public sealed class SeenFacesTests
{
    [Fact]
    public void A_face_with_a_brightened_copy_among_the_training_crops_is_seen_and_the_others_are_not()
    {
        using var directory = new TempDirectory();
        var (scene, faces) = SyntheticScenes.Compose(480, 320, [(20, 40, 160, MaskState.Correct), (260, 60, 160, MaskState.None)], seed: 7);
        using var _ = scene;
        var photo = directory.Combine("photo.png");
        Cv2.ImWrite(photo, scene);

        // The training set: the first face, brightened (a near-identical copy), and an unrelated drawn face.
        Directory.CreateDirectory(directory.Combine("training", "with_mask"));
        using (var copy = new Mat(scene, faces[0].Square).Clone())
        using (var brighter = TestImages.Shifted(copy, 1.2, 10))
        {
            Cv2.ImWrite(directory.Combine("training", "with_mask", "copy.png"), brighter);
        }

        File.WriteAllBytes(directory.Combine("training", "with_mask", "other.jpg"), TestImages.Face(MaskState.Correct, seed: 99));
        var annotation = new VocAnnotation(directory.Combine("photo.xml"), photo,
            faces.Select(f => new AnnotatedFace(SyntheticFaces.ClassName(f.State), new Rect2f(f.Square.X, f.Square.Y, f.Square.Width, f.Square.Height))).ToList());

        var marked = SeenFaces.Mark([annotation], directory.Combine("training"));

        Assert.Equal([true, false], marked[0].Faces.Select(f => f.Seen));
    }
}
