using System.CommandLine;
using FaceMask.Training.Data;
using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using OpenCvSharp;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary>
/// <c>facemask cut-faces --photos DIR --out DIR2</c>: the faces of annotated photos as the service
/// sees them, for training: each annotated face the detector finds (IoU 0.3) is cut out by the
/// serving framing (<see cref="FaceCrop"/>) into a class-per-folder dataset, with faces.json saying
/// which photo it came from and its annotated box kept aside, so that <c>split</c> keeps photos whole
/// and faces with their near-duplicate crops.
/// </summary>
internal static class CutFacesCommand
{
    public static Command Create()
    {
        var photos = new Option<string>("--photos") { Description = "Photos with PASCAL VOC annotations (annotations/ and images/).", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write <class>/<photo>.faceNN.png and faces.json into (must not exist).", Required = true };
        var minFace = CliOptions.MinFace();
        var models = CliOptions.Models();
        var command = new Command("cut-faces", "Cut the annotated faces the detector finds in photos, framed as /api/detect frames them, into a class-per-folder dataset that split keeps leak-free.")
        {
            photos, output, minFace, models,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            var outputDirectory = parse.GetRequiredValue(output);
            if (Directory.Exists(outputDirectory))
            {
                throw new ArgumentException($"'{outputDirectory}' already exists; choose a new folder.");
            }

            var annotations = VocAnnotation.LoadAll(parse.GetRequiredValue(photos));
            using var finder = FaceFinders.Open(parse.GetValue(models)!);
            var staging = outputDirectory.TrimEnd(Path.DirectorySeparatorChar) + $".partial-{Guid.NewGuid():N}";
            var faces = new List<PhotoFace>();
            var annotated = 0;
            try
            {
                AnsiConsole.Progress().AutoClear(true).Start(context =>
                {
                    var task = context.AddTask("Cutting faces", maxValue: annotations.Count);
                    foreach (var annotation in annotations)
                    {
                        annotated += annotation.Faces.Count;
                        faces.AddRange(Cut(annotation, finder, parse.GetValue(minFace), staging));
                        task.Increment(1);
                    }
                });
                new PhotoFaceManifest(finder.Description, finder.CropWidening, parse.GetValue(minFace), faces).Save(staging);
                Directory.Move(staging, outputDirectory);
            }
            finally
            {
                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, recursive: true);
                }
            }

            var byClass = faces.GroupBy(f => f.File[..f.File.IndexOf('/', StringComparison.Ordinal)]).OrderBy(g => g.Key, StringComparer.Ordinal);
            AnsiConsole.MarkupLineInterpolated($"{faces.Count:N0} of {annotated:N0} annotated faces found and cut from {annotations.Count:N0} photos ({string.Join(", ", byClass.Select(g => $"{g.Key} {g.Count():N0}"))}) into {outputDirectory}.");
            return CliConsole.Ok;
        }));
        return command;
    }

    private static List<PhotoFace> Cut(VocAnnotation annotation, IFaceFinder finder, int minFace, string root)
    {
        using var photo = ImageDecoder.DecodeFile(annotation.ImagePath);
        var found = finder.Find(photo, minFace);
        var stem = Path.GetFileNameWithoutExtension(annotation.ImagePath);
        var faces = new List<PhotoFace>();
        // Paired and cut by the detector's own boxes, as when facemask-v3's faces were cut (its split digest holds them to it).
        foreach (var (truth, detection) in DetectionReport.Match(annotation.Faces, found.Select(f => (f.Frame, f.Score)).ToList(), 0.3).OrderBy(m => m.Key))
        {
            var name = $"{annotation.Faces[truth].Class}/{stem}.face{truth:00}.png";
            using (var face = new Mat(photo, FaceCrop.Square(found[detection].Frame, photo.Width, photo.Height, finder.CropWidening)))
            {
                Write(Path.Combine(root, name), face);
            }

            var rect = FaceCrop.Exact(annotation.Faces[truth].Box, photo.Width, photo.Height);
            var annotatedName = $"{PhotoFaceManifest.AnnotatedFolder}/{name}";
            using (var boxed = new Mat(photo, rect))
            {
                Write(Path.Combine(root, annotatedName), boxed);
            }

            faces.Add(new PhotoFace(name, Path.GetFileName(annotation.ImagePath), annotatedName));
        }

        return faces;
    }

    private static void Write(string path, Mat image)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Cv2.ImWrite(path, image);
    }
}
