using System.CommandLine;
using FaceMask.Training.Common;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary>
/// <c>facemask calibrate --model models/NAME --data DIR</c>: fits the temperature of a model's
/// confidence on held-out labelled images and records it in its metadata.json (training does
/// this itself on its validation part; this is for models trained before, or brought from Keras).
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder; its metadata.json gets the temperature.", Required = true };
        var data = new Option<string>("--data") { Description = "Class-per-folder images the model was not trained on (e.g. Dataset_Split/val; never the test part you report).", Required = true };
        var command = new Command("calibrate", $"Fit the temperature that makes the model's confidence honest on held-out images (expected calibration error, {Calibration.Bins} bins, before and after) and record it in metadata.json.")
        {
            model, data,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            var folder = ModelFolder.Load(parse.GetRequiredValue(model));
            var preprocessing = folder.Metadata.ToPreprocessing();
            var dataPath = parse.GetRequiredValue(data);
            var images = LabelledImages.Load(dataPath, folder.Metadata.Classes, TrainingPipeline.EvaluationSide(preprocessing));
            if (images.Count == 0)
            {
                throw new InvalidDataException($"'{dataPath}' holds no images of the model's classes ({string.Join(", ", folder.Metadata.Classes)}).");
            }

            var calibration = ModelEvaluator.Calibrate(folder.Model, preprocessing, images, Path.GetFileName(Path.GetFullPath(dataPath).TrimEnd(Path.DirectorySeparatorChar)));
            AtomicFile.WriteAllText(Path.Combine(folder.Path, ModelMetadata.FileName), Json.Serialize(folder.Metadata with { Calibration = calibration }));
            AnsiConsole.MarkupLineInterpolated($"{folder.Metadata.Version}: temperature {calibration.Temperature:0.000} fitted on {calibration.Images} images of {dataPath}; calibration error {calibration.ErrorBefore:0.0000} -> {calibration.ErrorAfter:0.0000} on them.");
            return CliConsole.Ok;
        }));
        return command;
    }
}
