using System.CommandLine;
using FaceMask.Training.Common;
using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using FaceMask.Training.Painting;
using OpenCvSharp;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary>
/// <c>facemask synthesize --data Dataset --out DIR --per-class N</c>: painted examples of every class
/// made from the dataset's no-mask faces, with a contact sheet, by the painter training uses.
/// </summary>
internal static class SynthesizeCommand
{
    public const string ContactSheetFile = "contact_sheet.png";

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Class-per-folder dataset whose without_mask faces are painted.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write <class>/<file>.png and contact_sheet.png into.", Required = true };
        var perClass = new Option<int>("--per-class") { Description = "Painted examples per class.", DefaultValueFactory = _ => 24 };
        var models = CliOptions.Models();
        var seed = CliOptions.Seed();
        var command = new Command("synthesize", "Paint masks (over the nose, below it, on the chin) and look-alikes onto no-mask faces, for inspection.")
        {
            data, output, perClass, models, seed,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            if (parse.GetValue(perClass) is < 1 or > 100_000)
            {
                throw new ArgumentException("--per-class must be between 1 and 100,000.");
            }

            var source = Path.Combine(parse.GetRequiredValue(data), MaskClasses.WithoutMask);
            var files = Directory.Exists(source)
                ? Directory.EnumerateFiles(source).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList()
                : throw new DirectoryNotFoundException($"'{source}' does not exist: synthesize paints the dataset's {MaskClasses.WithoutMask} faces.");
            if (files.Count == 0)
            {
                throw new ArgumentException($"'{source}' has no images.");
            }

            using var detector = CliOptions.OpenDetector(parse.GetValue(models)!);
            var written = Synthesize(files, detector, parse.GetRequiredValue(output), parse.GetValue(perClass), parse.GetValue(seed));
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {written.Count:N0} painted faces and {ContactSheetFile} under {parse.GetRequiredValue(output)}; {written.Count(w => w.Detected):N0} placed on BlazeFace keypoints, {written.Count(w => !w.Detected):N0} on the aligned-portrait fallback.");
            return CliConsole.Ok;
        }));
        return command;
    }

    private static List<(string Path, bool Detected)> Synthesize(List<string> files, BlazeFaceDetector? detector, string output, int perClass, int seed)
    {
        // Per class: masks over the nose; masks below the nose and on the chin, alternating; look-alikes.
        var plan = new List<FacePaint>();
        for (var i = 0; i < perClass; i++)
        {
            plan.AddRange([FacePaint.OverNose, i % 2 == 0 ? FacePaint.BelowNose : FacePaint.OnChin, FacePaint.Lookalike]);
        }

        var order = Enumerable.Range(0, files.Count).ToArray();
        new Random(seed).Shuffle(order);
        const int SheetTiles = 96;
        var written = new (string Path, bool Detected)[plan.Count];
        var tiles = new (Mat Image, string Caption)[Math.Min(SheetTiles, plan.Count)];
        Parallel.For(0, plan.Count, i =>
        {
            var file = files[order[i % order.Length]];
            var image = ImageDecoder.DecodeFile(file);
            var face = FaceGeometry.Locate(image, detector);
            var className = FacePainting.Apply(image, face, plan[i], new Random(Seeds.Mix(seed, i, (int)plan[i])));
            var path = Path.Combine(output, className, $"{Path.GetFileNameWithoutExtension(file)}_{plan[i]}_{i}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Cv2.ImWrite(path, image);
            written[i] = (path, face.Detected);
            if (i < tiles.Length)
            {
                tiles[i] = (image, $"{plan[i]}{(face.Detected ? string.Empty : " (fallback)")}"); // kept for the contact sheet
            }
            else
            {
                image.Dispose();
            }
        });

        ContactSheet.Save(tiles, Path.Combine(output, ContactSheetFile), columns: 12);
        foreach (var (image, _) in tiles)
        {
            image.Dispose();
        }

        return [.. written];
    }
}
