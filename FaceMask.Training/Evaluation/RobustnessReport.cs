using FaceMask.Training.Imaging;
using FaceMask.Training.Keras;
using FaceMask.Training.Learning;
using FaceMask.Training.Onnx;
using FaceMask.Training.Painting;

namespace FaceMask.Training.Evaluation;

/// <summary>A model's figures under one shift.</summary>
public sealed record ShiftResult(string Shift, string Description, int Count, double Accuracy, double MacroF1, IReadOnlyDictionary<string, double> Recall);

/// <summary>
/// Macro-F1 on the test split as it is and under each <see cref="Shifts"/> entry, and the worst
/// row: a model that is only good on the first row has learned the dataset's photo style, so
/// shipping decisions look at the worst.
/// </summary>
public sealed record RobustnessReport(IReadOnlyList<ShiftResult> Rows, string Worst, double WorstMacroF1)
{
    /// <summary>
    /// Evaluates through the serving path (shared preprocessing, ONNX Runtime) on every shift of
    /// <paramref name="test"/>; its faces must have been located (<see cref="LabelledImages.LocateFaces"/>).
    /// Shifts that need classes the model lacks (painting) are left out.
    /// </summary>
    public static RobustnessReport Compute(KerasModel model, Preprocessing preprocessing, LabelledImages test, IReadOnlyList<Shift>? shifts = null, IProgress<string>? progress = null)
    {
        var faces = test.Faces ?? throw new InvalidOperationException("Locate the test faces first (LabelledImages.LocateFaces).");
        var classes = test.Classes.ToList();
        using var session = new OnnxSession(model, Environment.ProcessorCount);
        var rows = new List<ShiftResult>();
        foreach (var shift in shifts ?? Shifts.All)
        {
            if (shift.Name.StartsWith("painted", StringComparison.Ordinal) && !FacePainting.Supports(classes))
            {
                continue;
            }

            progress?.Report(shift.Name);
            var (inputs, labels) = Inputs(shift, test, faces, preprocessing, classes);
            var predicted = session.RunAll(inputs, labels.Length).Select(Trainer.ArgMax).ToArray();
            var report = ClassificationReport.Compute(classes, labels, predicted);
            rows.Add(new ShiftResult(shift.Name, shift.Description, report.Count, report.Accuracy, report.MacroF1,
                report.PerClass.Where(c => c.Value.Support > 0).ToDictionary(c => c.Key, c => c.Value.Recall)));
        }

        var worst = rows.MinBy(r => r.MacroF1)!;
        return new RobustnessReport(rows, worst.Shift, worst.MacroF1);
    }

    /// <summary>The shifted images of a set as network input, with their class indices.</summary>
    public static (float[] Inputs, int[] Labels) Inputs(Shift shift, LabelledImages images, FaceGeometry[] faces, Preprocessing preprocessing, IReadOnlyList<string> classes) =>
        Inputs(_ => shift, images, faces, preprocessing, classes);

    /// <summary>Each image under its own shift (<paramref name="shiftOf"/> its index), as network input with class indices, in image order.</summary>
    public static (float[] Inputs, int[] Labels) Inputs(Func<int, Shift> shiftOf, LabelledImages images, FaceGeometry[] faces, Preprocessing preprocessing, IReadOnlyList<string> classes)
    {
        var classIndex = classes.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
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
