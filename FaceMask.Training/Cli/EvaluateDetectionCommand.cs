using System.CommandLine;
using FaceMask.Training.Common;
using FaceMask.Training.Detection;
using FaceMask.Training.Models;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary>
/// <c>facemask evaluate-detection --data DIR --model models/NAME</c>: detection and classification
/// figures on photos annotated in PASCAL VOC XML.
/// </summary>
internal static class EvaluateDetectionCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Folder of photos with PASCAL VOC .xml annotations (e.g. the Kaggle face-mask detection dataset: annotations/ and images/).", Required = true };
        var model = CliOptions.Model("Model folder (the classifier).");
        var minFace = CliOptions.MinFace();
        var minScore = CliOptions.MinScore();
        var json = new Option<string?>("--json") { Description = "Write the report as JSON to this file." };
        var models = CliOptions.Models();
        var detector = CliOptions.Detector();
        var workingSide = CliOptions.WorkingSide();
        var seen = new Option<string?>("--seen") { Description = "Class-per-folder training crops (e.g. the classifier's training set): report the accuracy of found faces with and without a near-identical crop there apart." };
        var cropWidening = new Option<float?>("--crop-widening") { Description = "Widen the detector's box by this much to frame a face for the classifier (default: the detector's own)." };
        var command = new Command("evaluate-detection", "Recall by face size and class, precision, AP at IoU 0.5, the 3-class accuracy of found faces and the detector's CPU time, on VOC-annotated photos.")
        {
            data, model, minFace, minScore, json, models, detector, workingSide, cropWidening, seen,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            var annotations = VocAnnotation.LoadAll(parse.GetRequiredValue(data));
            if (parse.GetValue(seen) is { } training)
            {
                annotations = SeenFaces.Mark(annotations, training, new Progress<string>(step => AnsiConsole.MarkupLineInterpolated($"[grey]{step}[/]")));
            }

            using var finder = CliOptions.OpenFinder(parse, models, detector, workingSide, minScore);
            using var onnx = OnnxModel.Load(ModelFolder.Load(parse.GetRequiredValue(model)));
            var search = AnsiConsole.Progress().AutoClear(true).Start(context =>
            {
                var task = context.AddTask("Detecting", maxValue: annotations.Count);
                return PhotoSearch.Run(annotations, finder, onnx, parse.GetValue(minFace), parse.GetValue(minScore), parse.GetValue(cropWidening), () => task.Increment(1));
            });

            var report = DetectionReport.Compute(search.Photos) with { Detector = finder.Description, DetectionCpuMilliseconds = Math.Round(search.DetectorCpu.TotalMilliseconds / Math.Max(1, annotations.Count), 1) };
            var table = new Table().AddColumns("figure", "value");
            table.AddRow("detector", Markup.Escape(report.Detector));
            table.AddRow("photos, annotated faces, detections", $"{report.Photos}, {report.Faces}, {report.Detections}");
            table.AddRow($"recall (IoU {report.MatchIoU})", $"{report.Recall:0.000}");
            foreach (var size in report.RecallBySize)
            {
                table.AddRow($"  faces {size.Size} px", $"{size.Recall:0.000} ({size.Found} of {size.Faces}); {Markup.Escape(string.Join(", ", size.ByClass.Select(c => $"{c.Key} {c.Value:0.000}")))}");
            }

            foreach (var (name, recall) in report.RecallByClass)
            {
                table.AddRow($"  {Markup.Escape(name)}", $"{recall:0.000}");
            }

            table.AddRow($"precision (IoU {report.MatchIoU})", $"{report.Precision:0.000}");
            table.AddRow("AP (IoU 0.5)", $"{report.AveragePrecision50:0.000}");
            table.AddRow("3-class accuracy of found faces", $"{report.ClassAccuracy:0.000} ({report.Classified} faces)");
            if (report.Seen is { } split)
            {
                table.AddRow("  of faces with a near-identical training crop", $"{split.SeenAccuracy:0.000} ({split.SeenFaces} faces)");
                table.AddRow("  of faces without one", $"{split.UnseenAccuracy:0.000} ({split.UnseenFaces} faces)");
            }

            table.AddRow("median detected / annotated box width", $"{report.MedianBoxRatio:0.000}");
            table.AddRow("detector CPU time per photo", $"{report.DetectionCpuMilliseconds:0.0} ms");
            AnsiConsole.Write(table);
            if (parse.GetValue(json) is { } jsonPath)
            {
                AtomicFile.WriteAllText(jsonPath, Json.Serialize(report));
            }

            return CliConsole.Ok;
        }));
        return command;
    }
}
