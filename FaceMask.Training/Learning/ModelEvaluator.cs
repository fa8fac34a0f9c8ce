using FaceMask.Training.Detection;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Imaging;
using FaceMask.Training.Keras;
using FaceMask.Training.Models;
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
    /// <summary>
    /// Accuracy, per-class figures, the confusion matrix and the calibration error of the images as
    /// they are, the probabilities taken at <paramref name="temperature"/> (the model's calibrated one).
    /// </summary>
    public static ClassificationReport Evaluate(KerasModel model, Preprocessing preprocessing, LabelledImages images, double temperature = 1)
    {
        var probabilities = Outputs(model, preprocessing, images);
        Calibration.Apply(probabilities, temperature);
        var report = ClassificationReport.Compute(images.Classes, images.Labels, probabilities.Select(Probabilities.ArgMax).ToArray());
        return report.WithConfidence(probabilities, images.Labels);
    }

    /// <summary>The network's own probabilities (temperature 1) for each image as it is: what a temperature is fitted on.</summary>
    public static float[][] Outputs(KerasModel model, Preprocessing preprocessing, LabelledImages images)
    {
        using var session = new OnnxSession(model, Environment.ProcessorCount);
        return session.RunAll(Trainer.Inputs(images, preprocessing), images.Count);
    }

    /// <summary>Fits the temperature on <paramref name="images"/> (held out from training) and reports it with the calibration error before and after.</summary>
    public static CalibrationMetadata Calibrate(KerasModel model, Preprocessing preprocessing, LabelledImages images, string fittedOn)
    {
        var outputs = Outputs(model, preprocessing, images);
        var before = Calibration.ExpectedError(outputs, images.Labels);
        var temperature = Calibration.FitTemperature(outputs, images.Labels);
        Calibration.Apply(outputs, temperature);
        return new CalibrationMetadata(temperature, fittedOn, images.Count, Math.Round(before, 4), Math.Round(Calibration.ExpectedError(outputs, images.Labels), 4));
    }

    /// <summary>
    /// <see cref="Evaluate"/> with the robustness table. The images' faces are located first (with
    /// <paramref name="detector"/>, or the aligned-portrait geometry without one): painting and
    /// detector framing need them.
    /// </summary>
    public static ClassificationReport EvaluateWithRobustness(
        KerasModel model, Preprocessing preprocessing, LabelledImages images, BlazeFaceDetector? detector, IProgress<string>? progress = null, double temperature = 1)
    {
        images.LocateFaces(detector);
        return Evaluate(model, preprocessing, images, temperature) with { Robustness = Robustness(model, preprocessing, images, Shifts.All, progress) };
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
