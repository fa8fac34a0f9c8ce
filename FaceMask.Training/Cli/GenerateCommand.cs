using System.CommandLine;
using FaceMask.Training.Synthetic;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary>
/// <c>facemask generate --out DIR --per-class N [--scenes N --scenes-out DIR]</c>: a procedural face
/// dataset for demos, load tests and smoke training, and whole scenes for detection;
/// <c>generate --faces-from DIR --scenes N --scenes-out DIR</c>: annotated scenes of real face crops.
/// </summary>
internal static class GenerateCommand
{
    // A face is drawn in memory at full size: 4,096 px is 50 MB per image, far past any use here.
    private const int MaxSize = 4096;
    private const int MaxPerClass = 1_000_000;

    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Folder to write <class>/<file>.jpg into (needed unless --faces-from composes scenes only)." };
        var perClass = new Option<int>("--per-class") { Description = "Faces per class.", DefaultValueFactory = _ => 100 };
        var size = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 128 };
        var scenes = new Option<int>("--scenes") { Description = "Also draw this many whole photos of 2 to 5 faces (for detection) into --scenes-out.", DefaultValueFactory = _ => 0 };
        var scenesOut = new Option<string?>("--scenes-out") { Description = "Folder for the scenes (kept out of the class folders of --out)." };
        var sceneSize = new Option<string>("--scene-size") { Description = "Scene size WIDTHxHEIGHT.", DefaultValueFactory = _ => "400x300" };
        var facesFrom = new Option<string?>("--faces-from") { Description = "Compose the scenes from this class-per-folder dataset's face crops (e.g. a split's test part), 3 to 8 per scene, with a PASCAL VOC .xml beside each, instead of drawing faces." };
        var faceSizes = new Option<string>("--face-sizes") { Description = "With --faces-from: face sides MIN-MAX in pixels, drawn log-uniformly.", DefaultValueFactory = _ => "12-96" };
        var seed = CliOptions.Seed();
        var command = new Command("generate", "Draw synthetic faces (mask correct, below the nose, none) as a class-per-folder dataset, and optionally whole scenes.")
        {
            output, perClass, size, scenes, scenesOut, sceneSize, facesFrom, faceSizes, seed,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            if (parse.GetValue(perClass) is < 1 or > MaxPerClass || parse.GetValue(size) is < 16 or > MaxSize)
            {
                throw new ArgumentException($"--per-class must be between 1 and {MaxPerClass:N0}, --size between 16 and {MaxSize} pixels.");
            }

            var dimensions = parse.GetRequiredValue(sceneSize).Split('x');
            if (parse.GetValue(scenes) is < 0 or > 100_000 || dimensions.Length != 2 || !int.TryParse(dimensions[0], out var sceneWidth) || !int.TryParse(dimensions[1], out var sceneHeight)
                || sceneWidth is < 160 or > MaxSize || sceneHeight is < 160 or > MaxSize)
            {
                throw new ArgumentException($"--scenes must be between 0 and 100,000, --scene-size WIDTHxHEIGHT with sides between 160 and {MaxSize} pixels.");
            }

            if (parse.GetValue(scenes) > 0 && parse.GetValue(scenesOut) is null)
            {
                throw new ArgumentException("--scenes needs --scenes-out: scenes are not a class and stay out of the dataset's folders.");
            }

            if (parse.GetValue(facesFrom) is { } faceDirectory)
            {
                var sides = parse.GetRequiredValue(faceSizes).Split('-');
                if (sides.Length != 2 || !int.TryParse(sides[0], out var smallest) || !int.TryParse(sides[1], out var largest))
                {
                    throw new ArgumentException("--face-sizes must be MIN-MAX in pixels, e.g. 12-96.");
                }

                var crowdPaths = CropScenes.Write(faceDirectory, parse.GetValue(scenesOut) ?? throw new ArgumentException("--faces-from needs --scenes-out."), Math.Max(1, parse.GetValue(scenes)), new OpenCvSharp.Size(sceneWidth, sceneHeight), smallest, largest, parse.GetValue(seed));
                AnsiConsole.MarkupLineInterpolated($"Composed {crowdPaths.Count:N0} annotated scenes from {faceDirectory} under {parse.GetValue(scenesOut)}.");
                return CliConsole.Ok;
            }

            var datasetDirectory = parse.GetValue(output) ?? throw new ArgumentException("--out is required: the folder to draw the faces into.");
            var paths = SyntheticFaces.WriteDataset(datasetDirectory, parse.GetValue(perClass), parse.GetValue(seed), parse.GetValue(size));
            AnsiConsole.MarkupLineInterpolated($"Wrote {paths.Count:N0} synthetic faces under {datasetDirectory}.");
            if (parse.GetValue(scenesOut) is { } scenesDirectory && parse.GetValue(scenes) > 0)
            {
                var scenePaths = SyntheticScenes.Write(scenesDirectory, parse.GetValue(scenes), sceneWidth, sceneHeight, parse.GetValue(seed));
                AnsiConsole.MarkupLineInterpolated($"Wrote {scenePaths.Count:N0} scenes under {scenesDirectory}.");
            }
            return CliConsole.Ok;
        }));
        return command;
    }
}
