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
    /// <param name="stepsDone">Called after each step: the images as they are, then each robustness row (<see cref="Steps"/> in all).</param>
    public static ClassificationReport EvaluateWithRobustness(
        KerasModel model, Preprocessing preprocessing, LabelledImages images, BlazeFaceDetector? detector, Action<int>? stepsDone = null, double temperature = 1)
    {
        images.LocateFaces(detector);
        var report = Evaluate(model, preprocessing, images, temperature);
        stepsDone?.Invoke(1);
        return report with { Robustness = Robustness(model, preprocessing, images, ShiftsFor(images.Classes), rows => stepsDone?.Invoke(1 + rows)) };
    }

    /// <summary>How many steps <see cref="EvaluateWithRobustness"/> takes for a model of these classes.</summary>
    public static int Steps(IReadOnlyList<string> classes) => 1 + ShiftsFor(classes).Count;

    /// <summary>The shifts of the robustness table; those that paint masks need the mask classes.</summary>
    private static List<Shift> ShiftsFor(IReadOnlyList<string> classes) => Shifts.All.Where(s => !s.Paints || FacePainting.Supports(classes)).ToList();

    /// <summary>Macro-F1, accuracy and per-class recall under each of <paramref name="shifts"/> (<see cref="ShiftsFor"/> leaves out those the classes cannot take).</summary>
    private static RobustnessReport Robustness(KerasModel model, Preprocessing preprocessing, LabelledImages images, IReadOnlyList<Shift> shifts, Action<int> rowsDone)
    {
        var faces = images.Faces ?? throw new InvalidOperationException("The faces are located before the shifts.");
        var classes = images.Classes.ToList();
        using var session = new OnnxSession(model, Environment.ProcessorCount);
        var rows = new List<ShiftResult>();
        foreach (var shift in shifts)
        {
            var (inputs, labels) = ShiftedInputs.Of(shift, images, faces, preprocessing);
            var predicted = session.RunAll(inputs, labels.Length).Select(Probabilities.ArgMax).ToArray();
            var report = ClassificationReport.Compute(classes, labels, predicted);
            rows.Add(new ShiftResult(shift.Name, shift.Description, report.Count, report.Accuracy, report.MacroF1,
                report.PerClass.Where(c => c.Value.Support > 0).ToDictionary(c => c.Key, c => c.Value.Recall)));
            rowsDone(rows.Count);
        }

        return RobustnessReport.FromRows(rows);
    }
}
