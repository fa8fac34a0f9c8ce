using FaceMask.Training.Imaging;
using FaceMask.Training.Learning;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Training;

public class AugmenterTests
{
    [Fact]
    public void Augmentation_is_deterministic_for_a_seed_and_varies_between_seeds()
    {
        var spec = new Preprocessing(48, 48);
        var augmenter = new Augmenter(spec);
        using var face = SyntheticFaces.Draw(MaskState.Correct, seed: 1, size: 56);
        var first = new float[spec.InputLength];
        var again = new float[spec.InputLength];
        var other = new float[spec.InputLength];

        augmenter.Write(face, 10, first);
        augmenter.Write(face, 10, again);
        augmenter.Write(face, 11, other);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.All(first, v => Assert.InRange(v, 0f, 1f));
    }
}
