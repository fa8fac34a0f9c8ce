using System.CommandLine;
using System.Globalization;
using FaceMask.Training.Common;
using FaceMask.Training.Detection;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary><c>facemask evaluate --model models/NAME --data DIR [--photos DIR] [--json FILE]</c>.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var data = new Option<string?>("--data") { Description = "Class-per-folder images to evaluate on (e.g. Dataset_Split/test)." };
        var photos = new Option<string?>("--photos") { Description = "Photos with PASCAL VOC annotations: the figures of the faces the detector finds in them, cut out as /api/detect does, apart from --data's." };
        var minFace = CliOptions.MinFace();
        var mistakes = new Option<string?>("--mistakes")
        {
            Description = "Write a contact sheet (PNG) of what the model got wrong, most confident first, each captioned true > predicted: --data's images, or with --photos alone the found faces (with both, the faces go to <name>-photos.png).",
        };
        var json = new Option<string?>("--json") { Description = "Write the report as JSON to this file (--photos' figures under \"photos\"; alone, they are the document)." };
        var models = CliOptions.Models();
        var wide = new Option<bool>("--wide") { Description = "The robustness table with each shift's image count and description (about 160 columns; without it, it fits 100)." };
        var command = new Command("evaluate", "Accuracy, per-class precision/recall/F1, the confusion matrix, the calibration error and a robustness table (macro-F1 under framing, exposure, blur, colour, compression and painted masks) of a model on labelled images, and with --photos on the faces found in annotated photos.")
        {
            model, data, photos, minFace, mistakes, json, models, wide,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(data) is null && result.GetValue(photos) is null)
            {
                result.AddError("Give --data (labelled images), --photos (annotated photos) or both.");
            }
        });
        command.SetAction(parse => CliConsole.Run(() =>
        {
            var folder = ModelFolder.Load(parse.GetRequiredValue(model));
            var preprocessing = folder.Metadata.ToPreprocessing();
            ClassificationReport? report = null;
            if (parse.GetValue(data) is { } dataPath)
            {
                var images = LabelledImages.Load(dataPath, folder.Metadata.Classes, TrainingPipeline.EvaluationSide(preprocessing));
                foreach (var skipped in images.Skipped)
                {
                    AnsiConsole.MarkupLineInterpolated($"[yellow]skipped[/] {skipped}");
                }

                using var detector = CliOptions.OpenDetector(parse.GetValue(models)!);
                report = CliConsole.Counted($"Evaluating {images.Count:N0} images: as they are, then each robustness row; step", ModelEvaluator.Steps(folder.Metadata.Classes), stepsDone =>
                    ModelEvaluator.EvaluateWithRobustness(folder.Model, preprocessing, images, detector, stepsDone, folder.Metadata.Temperature));
                Write(report, $"{report.Count} images of {dataPath}");
                WriteRobustness(report.Robustness!, parse.GetValue(wide));
                if (parse.GetValue(mistakes) is { } sheet)
                {
                    var probabilities = ModelEvaluator.Outputs(folder.Model, preprocessing, images);
                    Calibration.Apply(probabilities, folder.Metadata.Temperature);
                    AnsiConsole.MarkupLineInterpolated($"{MistakeSheet.Save(images, probabilities, sheet)} wrong verdicts on {sheet}");
                }
            }

            if (parse.GetValue(photos) is { } photosPath)
            {
                var annotations = VocAnnotation.LoadAll(photosPath);
                using var finder = FaceFinders.Open(parse.GetValue(models)!);
                using var onnx = OnnxModel.Load(folder);
                var search = AnsiConsole.Progress().AutoClear(true).Start(context =>
                {
                    var task = context.AddTask("Finding faces in the photos", maxValue: annotations.Count);
                    return PhotoSearch.Run(annotations, finder, onnx, parse.GetValue(minFace), progress: () => task.Increment(1));
                });
                var figures = FoundFaces.Evaluate(search.Photos, folder.Metadata.Classes, finder.Description);
                Write(figures.Report, $"{figures.FoundFaces} faces found ({figures.AnnotatedFaces} annotated) in {figures.Photos} photos of {photosPath} by {figures.Detector}");
                if (parse.GetValue(mistakes) is { } sheet)
                {
                    sheet = report is null ? sheet : Path.ChangeExtension(sheet, null) + "-photos.png";
                    var wrong = MistakeSheet.Save(annotations, search.Photos, finder.CropWidening, sheet);
                    AnsiConsole.MarkupLineInterpolated($"{wrong} wrong verdicts on {sheet}");
                }

                if (report is null)
                {
                    WriteJson(parse.GetValue(json), figures);
                    return CliConsole.Ok;
                }

                report = report with { Photos = figures };
            }

            WriteJson(parse.GetValue(json), report);

            return CliConsole.Ok;
        }));
        return command;
    }

    private static void WriteJson<T>(string? path, T report)
    {
        if (path is not null)
        {
            AtomicFile.WriteAllText(path, Json.Serialize(report));
        }
    }

    private static void Write(ClassificationReport report, string title)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{title}[/]");
        AnsiConsole.MarkupLineInterpolated($"accuracy {report.Accuracy:0.0000}, macro-F1 {report.MacroF1:0.0000} (macro precision {report.MacroPrecision:0.0000}, macro recall {report.MacroRecall:0.0000})");
        AnsiConsole.MarkupLineInterpolated($"calibration error ({Calibration.Bins} bins) {report.CalibrationError:0.0000}");
        var table = new Table().AddColumns("class", "precision", "recall", "f1", "support");
        foreach (var (name, metrics) in report.PerClass)
        {
            table.AddRow(Markup.Escape(MaskClasses.Label(name)), $"{metrics.Precision:0.0000}", $"{metrics.Recall:0.0000}", $"{metrics.F1:0.0000}", $"{metrics.Support}");
        }

        AnsiConsole.Write(table);
        var confusion = new Table().AddColumn("true \\ predicted");
        foreach (var label in report.ConfusionMatrix.Labels)
        {
            confusion.AddColumn(new TableColumn(Markup.Escape(MaskClasses.Label(label))).RightAligned());
        }

        for (var row = 0; row < report.ConfusionMatrix.Labels.Count; row++)
        {
            confusion.AddRow([Markup.Escape(MaskClasses.Label(report.ConfusionMatrix.Labels[row])), .. report.ConfusionMatrix.Matrix[row].Select(v => v.ToString(CultureInfo.InvariantCulture))]);
        }

        AnsiConsole.Write(confusion);
        if (report.Uncertainty is { } rows)
        {
            var uncertainty = new Table().AddColumns("flagged uncertain below", "flagged", "right when flagged", "right otherwise", "mistakes flagged");
            foreach (var row in rows)
            {
                uncertainty.AddRow($"{row.Below:0.00}", $"{row.Flagged:0.000}", $"{row.FlaggedAccuracy:0.000}", $"{row.OtherAccuracy:0.000}", $"{row.MistakesFlagged:0.000}");
            }

            AnsiConsole.Write(uncertainty);
        }
    }

    /// <summary>
    /// One row per shift: macro-F1, accuracy and each class's recall in its own column, the worst row
    /// marked. Fits 100 columns; <paramref name="wide"/> adds the image count and what each shift changes.
    /// </summary>
    private static void WriteRobustness(RobustnessReport robustnessRows, bool wide)
    {
        var classes = robustnessRows.Rows.SelectMany(r => r.Recall.Keys).Distinct().ToList();
        var robustness = new Table().AddColumn("shift").AddColumn(new TableColumn("macro-F1").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
        foreach (var name in classes)
        {
            robustness.AddColumn(new TableColumn($"recall of {Markup.Escape(MaskClasses.Label(name))}") { Width = 11 }.RightAligned()); // the header wraps
        }

        if (wide)
        {
            robustness.AddColumn(new TableColumn("images").RightAligned()).AddColumn("what changes");
        }

        foreach (var row in robustnessRows.Rows)
        {
            var name = row.Shift == robustnessRows.Worst ? $"[bold]{row.Shift} (worst)[/]" : row.Shift;
            List<string> cells = [name, $"{row.MacroF1:0.0000}", $"{row.Accuracy:0.0000}", .. classes.Select(c => row.Recall.TryGetValue(c, out var recall) ? $"{recall:0.000}" : "–")];
            if (wide)
            {
                cells.AddRange([$"{row.Count}", Markup.Escape(row.Description)]);
            }

            robustness.AddRow([.. cells]);
        }

        AnsiConsole.Write(robustness);
        if (!wide)
        {
            AnsiConsole.MarkupLine("[grey]--wide adds each shift's image count and what it changes.[/]");
        }
    }
}
