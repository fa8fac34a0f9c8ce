using FaceMask.Training.Imaging;
using FaceMask.Training.Painting;

namespace FaceMask.Training.Learning;

/// <summary>Labelled images under robustness shifts, written as network input with their class indices.</summary>
public static class ShiftedInputs
{
    /// <summary>Every image under <paramref name="shift"/>.</summary>
    public static (float[] Inputs, int[] Labels) Of(Shift shift, LabelledImages images, FaceGeometry[] faces, Preprocessing preprocessing) =>
        Of(_ => shift, images, faces, preprocessing);

    /// <summary>Each image under its own shift (<paramref name="shiftOf"/> its index), in image order.</summary>
    public static (float[] Inputs, int[] Labels) Of(Func<int, Shift> shiftOf, LabelledImages images, FaceGeometry[] faces, Preprocessing preprocessing)
    {
        var classIndex = images.Classes.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
        var perImage = new (float[] Input, int Label)[images.Count][];
        Parallel.For(0, images.Count, i =>
        {
            var shift = shiftOf(i);
            using var view = images.View(i);
            var outputs = shift.Apply(new ShiftInput(view, images.Classes[images.Labels[i]], faces[i], i)).ToList();
            perImage[i] = outputs.Select(o =>
            {
                var input = new float[preprocessing.InputLength];
                using (o.Image)
                using (var resized = ImagePreprocessor.Resize(o.Image, preprocessing))
                {
                    ImagePreprocessor.WriteInput(resized, preprocessing, input);
                }

                return (input, classIndex.TryGetValue(o.Class, out var label) ? label : throw new InvalidDataException($"Shift '{shift.Name}' made class '{o.Class}', which the model does not have."));
            }).ToArray();
        });

        var all = perImage.SelectMany(p => p).ToList();
        var inputs = new float[all.Count * preprocessing.InputLength];
        for (var i = 0; i < all.Count; i++)
        {
            all[i].Input.CopyTo(inputs, i * preprocessing.InputLength);
        }

        return (inputs, all.Select(a => a.Label).ToArray());
    }
}
