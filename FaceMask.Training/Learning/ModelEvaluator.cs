using FaceMask.Training.Detection;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Imaging;
using FaceMask.Training.Keras;
using FaceMask.Training.Onnx;
using FaceMask.Training.Painting;

namespace FaceMask.Training.Learning;

/// <summary>
/// How a model is judged on labelled images, the one way the CLI's <c>evaluate</c>, the training
/// pipeline and the service's retrain stage do it: through the serving path (shared preprocessing,
/// ONNX Runtime), as the images are and under every robustness <see cref="Shifts"/> entry.
/// </summary>
public static class ModelEvaluator
{
    /// <summary>Accuracy, per-class figures and the confusion matrix of the images as they are.</summary>
    public static ClassificationReport Evaluate(KerasModel model, Preprocessing preprocessing, LabelledImages images)
    {
        using var session = new OnnxSession(model, Environment.ProcessorCount);
        var probabilities = session.RunAll(Trainer.Inputs(images, preprocessing), images.Count);
        return ClassificationReport.Compute(images.Classes, images.Labels, probabilities.Select(Probabilities.ArgMax).ToArray());
    }

    /// <summary>
    /// <see cref="Evaluate"/> with the robustness table. The images' faces are located first (with
    /// <paramref name="detector"/>, or the aligned-portrait geometry without one): painting and
    /// detector framing need them.
    /// </summary>
    public static ClassificationReport EvaluateWithRobustness(
        KerasModel model, Preprocessing preprocessing, LabelledImages images, BlazeFaceDetector? detector, IProgress<string>? progress = null)
    {
        images.LocateFaces(detector);
        return Evaluate(model, preprocessing, images) with { Robustness = Robustness(model, preprocessing, images, Shifts.All, progress) };
    }

    /// <summary>Macro-F1 under each shift; shifts that need classes the model lacks (painting) are left out.</summary>
    private static RobustnessReport Robustness(KerasModel model, Preprocessing preprocessing, LabelledImages images, IReadOnlyList<Shift> shifts, IProgress<string>? progress)
    {
        var faces = images.Faces ?? throw new InvalidOperationException("The faces are located before the shifts.");
        var classes = images.Classes.ToList();
        using var session = new OnnxSession(model, Environment.ProcessorCount);
        var rows = new List<ShiftResult>();
        foreach (var shift in shifts.Where(s => !s.Paints || FacePainting.Supports(classes)))
        {
            progress?.Report(shift.Name);
            var (inputs, labels) = ShiftedInputs.Of(shift, images, faces, preprocessing);
            var predicted = session.RunAll(inputs, labels.Length).Select(Probabilities.ArgMax).ToArray();
            var report = ClassificationReport.Compute(classes, labels, predicted);
            rows.Add(new ShiftResult(shift.Name, shift.Description, report.Count, report.Accuracy, report.MacroF1,
                report.PerClass.Where(c => c.Value.Support > 0).ToDictionary(c => c.Key, c => c.Value.Recall)));
        }

        return RobustnessReport.FromRows(rows);
    }
}
