using FaceMask.Training.Synthetic;
using OpenCvSharp;

namespace FaceMask.Tests.Training;

public class SyntheticFacesTests
{
    [Fact]
    public void The_same_seed_draws_the_same_face()
    {
        using var first = SyntheticFaces.Draw(MaskState.Correct, seed: 12);
        using var again = SyntheticFaces.Draw(MaskState.Correct, seed: 12);
        using var other = SyntheticFaces.Draw(MaskState.Correct, seed: 13);

        Assert.Equal(0, Cv2.Norm(first, again, NormTypes.INF));
        Assert.True(Cv2.Norm(first, other, NormTypes.L1) > 0);
    }

    [Fact]
    public void The_three_states_differ_around_the_mouth_and_nose()
    {
        // Same seed: same face, pose and lighting; only the mask differs.
        using var correct = SyntheticFaces.Draw(MaskState.Correct, seed: 30, size: 128);
        using var incorrect = SyntheticFaces.Draw(MaskState.Incorrect, seed: 30, size: 128);
        using var none = SyntheticFaces.Draw(MaskState.None, seed: 30, size: 128);

        var lowerFace = new Rect(40, 60, 48, 50);
        double Difference(Mat a, Mat b)
        {
            using var regionA = new Mat(a, lowerFace);
            using var regionB = new Mat(b, lowerFace);
            return Cv2.Norm(regionA, regionB, NormTypes.L1) / lowerFace.Width / lowerFace.Height;
        }

        Assert.True(Difference(correct, none) > 10, "a mask covers the lower face");
        Assert.True(Difference(incorrect, none) > 5, "a lowered mask still covers part of it");
        Assert.True(Difference(correct, incorrect) > 3, "covering the nose or not shows");
    }

    [Fact]
    public void Writes_a_class_per_folder_dataset()
    {
        var root = Path.Combine(Path.GetTempPath(), "facemask-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var paths = SyntheticFaces.WriteDataset(root, perClass: 2, seed: 1, size: 64);

            Assert.Equal(6, paths.Count);
            Assert.Equal(["mask_weared_incorrect", "with_mask", "without_mask"],
                Directory.EnumerateDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
