using System.CommandLine;
using System.Text.Json;
using FaceMask.Training.Common;
using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using FaceMask.Training.Models;

namespace FaceMask.Training.Cli;

/// <summary>
/// <c>facemask detect --model models/NAME IMAGE... [--annotate DIR]</c>: every face of each photo with
/// its verdict, one JSON object per photo per line (the shape of <c>POST /api/detect</c>), and
/// annotated copies on request.
/// </summary>
internal static class DetectCommand
{
    private static readonly JsonSerializerOptions Lines = new(Json.Options) { WriteIndented = false };

    private sealed record PhotoLine(string File, IReadOnlyList<ClassifiedFace> Faces, IReadOnlyDictionary<string, int> Counts, ImageSize Image, bool Truncated);

    public static Command Create()
    {
        var model = CliOptions.Model("Model folder (the classifier).");
        var images = new Argument<string[]>("images") { Description = "Photo files.", Arity = ArgumentArity.OneOrMore };
        var annotate = new Option<string?>("--annotate") { Description = "Write each photo with boxes and labels drawn into this folder (<name>.jpg)." };
        var minFace = CliOptions.MinFace();
        var minScore = CliOptions.MinScore();
        var maxFaces = new Option<int>("--max-faces") { Description = "Most faces reported per photo (largest first).", DefaultValueFactory = _ => 100 };
        var models = CliOptions.Models();
        var detector = CliOptions.Detector();
        var workingSide = CliOptions.WorkingSide();
        var uncertainBelow = CliOptions.UncertainBelow();
        var command = new Command("detect", "Find every face in photos and classify each; prints {file, faces, counts, image, truncated} per photo.")
        {
            model, images, annotate, minFace, minScore, maxFaces, models, detector, workingSide, uncertainBelow,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            if (parse.GetValue(maxFaces) is < 1 or > 1000)
            {
                throw new ArgumentException("--max-faces must be between 1 and 1000.");
            }

            using var finder = CliOptions.OpenFinder(parse, models, detector, workingSide, minScore);
            using var onnx = OnnxModel.Load(ModelFolder.Load(parse.GetRequiredValue(model)));
            var annotations = parse.GetValue(annotate);
            return CliConsole.EachFile(parse.GetRequiredValue(images), file =>
            {
                using var photo = ImageDecoder.DecodeFile(file);
                var (found, truncated) = finder.FindLargest(photo, parse.GetValue(minFace), parse.GetValue(maxFaces), parse.GetValue(minScore));
                var faces = FaceClassifier.Classify(onnx, photo, found, finder.CropWidening, parse.GetValue(uncertainBelow));
                if (annotations is not null)
                {
                    Directory.CreateDirectory(annotations);
                    File.WriteAllBytes(Path.Combine(annotations, Path.GetFileNameWithoutExtension(file) + ".jpg"), FaceAnnotator.Jpeg(photo, faces));
                }

                var counts = onnx.Classes.ToDictionary(c => c, c => faces.Count(f => f.Prediction == c));
                return JsonSerializer.Serialize(new PhotoLine(file, faces, counts, new ImageSize(photo.Width, photo.Height), truncated), Lines);
            });
        }));
        return command;
    }
}
