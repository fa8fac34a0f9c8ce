using FaceMask.Training.Common;
using FaceMask.Training.Imaging;
using FaceMask.Training.Painting;

namespace FaceMask.Training.Learning;

/// <summary>What each epoch is validated on (and the kept epoch chosen by): network inputs with their class indices.</summary>
public sealed record ValidationSet(IReadOnlyList<string> Classes, float[] Inputs, int[] Labels)
{
    public int Count => Labels.Length;

    /// <summary>The images as they are.</summary>
    public static ValidationSet AsIs(LabelledImages images, Preprocessing preprocessing) =>
        new(images.Classes, Trainer.Inputs(images, preprocessing), images.Labels);

    /// <summary>
    /// The images as they are, and each once more under one robustness shift, in turn (painted
    /// shifts for no-mask faces only, when the classes allow painting). The kept epoch is then the
    /// one that holds up under the shifts too, not the one that best fits the dataset's own style:
    /// on the validation split as it is, a mid-training epoch can win by chance and be far less robust.
    /// </summary>
    public static ValidationSet WithShifts(LabelledImages images, Preprocessing preprocessing)
    {
        var faces = images.Faces ?? throw new InvalidOperationException("Locate the validation faces first (LabelledImages.LocateFaces).");
        var painting = FacePainting.Supports(images.Classes);
        var shifted = Shifts.All.Skip(1).ToList(); // every row but as_is
        var plain = shifted.Where(s => !s.Paints).ToList();
        var (inputs, labels) = ShiftedInputs.Of(
            i => painting && images.Classes[images.Labels[i]] == MaskClasses.WithoutMask ? shifted[i % shifted.Count] : plain[i % plain.Count],
            images, faces, preprocessing);
        var asIs = Trainer.Inputs(images, preprocessing);
        return new ValidationSet(images.Classes, [.. asIs, .. inputs], [.. images.Labels, .. labels]);
    }
}
