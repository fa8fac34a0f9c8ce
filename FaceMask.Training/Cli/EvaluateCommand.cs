using System.CommandLine;
using FaceMask.Training.Common;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary><c>facemask evaluate --model models/NAME --data DIR [--json FILE]</c>.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder.", Required = true };
        var data = new Option<string>("--data") { Description = "Class-per-folder images to evaluate on (e.g. Dataset_Split/test).", Required = true };
        var json = new Option<string?>("--json") { Description = "Write the report as JSON to this file." };
        var models = CliOptions.Models();
        var command = new Command("evaluate", "Accuracy, per-class precision/recall/F1, the confusion matrix and a robustness table (macro-F1 under framing, exposure, blur, colour, compression and painted masks) of a model on labelled images.")
        {
            model, data, json, models,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            var folder = ModelFolder.Load(parse.GetRequiredValue(model));
            var preprocessing = folder.Metadata.ToPreprocessing();
            var images = LabelledImages.Load(parse.GetRequiredValue(data), folder.Metadata.Classes, TrainingPipeline.EvaluationSide(preprocessing));
            foreach (var skipped in images.Skipped)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]skipped[/] {skipped}");
            }

            ClassificationReport report;
            using (var detector = CliOptions.OpenDetector(parse.GetValue(models)!))
            {
                report = ModelEvaluator.EvaluateWithRobustness(folder.Model, preprocessing, images, detector);
            }

            var robustnessRows = report.Robustness!;
            AnsiConsole.MarkupLineInterpolated($"{report.Count} images: accuracy {report.Accuracy:0.0000}, macro precision {report.MacroPrecision:0.0000}, macro recall {report.MacroRecall:0.0000}, macro-F1 {report.MacroF1:0.0000}");
            var table = new Table().AddColumns("class", "precision", "recall", "f1", "support");
            foreach (var (name, metrics) in report.PerClass)
            {
                table.AddRow(name, $"{metrics.Precision:0.0000}", $"{metrics.Recall:0.0000}", $"{metrics.F1:0.0000}", $"{metrics.Support}");
            }

            AnsiConsole.Write(table);
            var confusion = new Table().AddColumn("true \\ predicted");
            foreach (var label in report.ConfusionMatrix.Labels)
            {
                confusion.AddColumn(label);
            }

            for (var row = 0; row < report.ConfusionMatrix.Labels.Count; row++)
            {
                confusion.AddRow([report.ConfusionMatrix.Labels[row], .. report.ConfusionMatrix.Matrix[row].Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            }

            AnsiConsole.Write(confusion);
            var robustness = new Table().AddColumns("shift", "images", "accuracy", "macro-F1", "recall per class", "what changes");
            foreach (var row in robustnessRows.Rows)
            {
                var recall = string.Join("  ", row.Recall.Select(r => $"{r.Key} {r.Value:0.000}"));
                var name = row.Shift == robustnessRows.Worst ? $"[bold]{row.Shift} (worst)[/]" : row.Shift;
                robustness.AddRow(name, $"{row.Count}", $"{row.Accuracy:0.0000}", $"{row.MacroF1:0.0000}", Markup.Escape(recall), Markup.Escape(row.Description));
            }

            AnsiConsole.Write(robustness);
            if (parse.GetValue(json) is { } jsonPath)
            {
                AtomicFile.WriteAllText(jsonPath, Json.Serialize(report));
            }

            return CliConsole.Ok;
        }));
        return command;
    }
}
