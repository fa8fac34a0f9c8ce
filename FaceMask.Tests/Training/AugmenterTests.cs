using FaceMask.Training.Imaging;
using FaceMask.Training.Learning;
using FaceMask.Training.Painting;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Training;

public class AugmenterTests
{
    [Fact]
    public void Augmentation_is_deterministic_for_a_seed_and_varies_between_seeds()
    {
        var spec = new Preprocessing(48, 48);
        var augmenter = new Augmenter(spec);
        using var face = SyntheticFaces.Draw(MaskState.None, seed: 1, size: 56);
        using var background = SyntheticFaces.Draw(MaskState.Correct, seed: 2, size: 56);
        var geometry = FaceGeometry.Aligned(56, 56);
        var first = new float[spec.InputLength];
        var again = new float[spec.InputLength];
        var other = new float[spec.InputLength];
        var painted = new float[spec.InputLength];

        augmenter.Write(face, geometry, null, background, 10, first);
        augmenter.Write(face, geometry, null, background, 10, again);
        augmenter.Write(face, geometry, null, background, 11, other);
        augmenter.Write(face, geometry, FacePaint.OverNose, background, 10, painted);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.NotEqual(first, painted); // the same draw with a mask painted on
        Assert.All(first, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Brightness_after_augmentation_does_not_depend_on_the_brightness_before()
    {
        // The dataset's incorrect class is dim (median luma 81 against 122 and more: x0.66); augmentation
        // must bring faces that much dimmer (and more) to the same brightness as the others.
        var spec = new Preprocessing(48, 48);
        var augmenter = new Augmenter(spec);
        using var face = SyntheticFaces.Draw(MaskState.None, seed: 3, size: 56);
        using var dim = new OpenCvSharp.Mat();
        face.ConvertTo(dim, OpenCvSharp.MatType.CV_8UC3, 0.55, 0);
        var geometry = FaceGeometry.Aligned(56, 56);

        double MeanBrightness(OpenCvSharp.Mat image) => Enumerable.Range(0, 200).Average(seed =>
        {
            var input = new float[spec.InputLength];
            augmenter.Write(image, geometry, null, null, seed, input);
            return input.Average();
        });

        var (bright, dark) = (MeanBrightness(face), MeanBrightness(dim));
        TestContext.Current.SendDiagnosticMessage($"mean input after augmentation: original {bright:0.000}, dimmed x0.55 {dark:0.000}");
        Assert.InRange(dark / bright, 0.95, 1.05);
    }
}
