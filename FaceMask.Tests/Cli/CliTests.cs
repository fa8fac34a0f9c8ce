using System.Text.Json;
using FaceMask.Tests.Support;
using FaceMask.Training.Cli;
using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Cli;

[Collection(CliCollection.Name)]
public class CliTests
{
    [Fact]
    public async Task Generate_split_and_stats_work_end_to_end()
    {
        using var directory = new TempDirectory();
        var data = directory.Combine("Dataset");
        var split = directory.Combine("Dataset_Split");
        var statsJson = directory.Combine("stats.json");

        Assert.Equal(0, await FaceMaskCli.RunAsync(["generate", "--out", data, "--per-class", "12", "--seed", "4"]));
        Assert.Equal(0, await FaceMaskCli.RunAsync(["split", "--data", data, "--out", split, "--seed", "42", "--val", "0.25", "--test", "0.25"]));
        Assert.Equal(0, await FaceMaskCli.RunAsync(["stats", "--data", data, "--json", statsJson]));

        Assert.Equal(36, Directory.EnumerateFiles(data, "*.jpg", SearchOption.AllDirectories).Count());
        foreach (var part in new[] { "train", "val", "test" })
        {
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(split, part), "*.jpg", SearchOption.AllDirectories));
        }

        using var stats = JsonDocument.Parse(File.ReadAllText(statsJson));
        Assert.Equal(36, stats.RootElement.GetProperty("images").GetInt32());
        Assert.Equal(12, stats.RootElement.GetProperty("classes").GetProperty("with_mask").GetProperty("images").GetInt32());
        Assert.True(stats.RootElement.TryGetProperty("near_duplicate_groups", out _));
    }

    [Fact]
    public async Task Merges_several_data_folders()
    {
        using var directory = new TempDirectory();
        Assert.Equal(0, await FaceMaskCli.RunAsync(["generate", "--out", directory.Combine("a"), "--per-class", "4", "--seed", "1"]));
        Assert.Equal(0, await FaceMaskCli.RunAsync(["generate", "--out", directory.Combine("b"), "--per-class", "4", "--seed", "2"]));

        Assert.Equal(0, await FaceMaskCli.RunAsync(["split", "--data", directory.Combine("a"), "--data", directory.Combine("b"), "--out", directory.Combine("split")]));

        Assert.Equal(24, Directory.EnumerateFiles(directory.Combine("split"), "*.jpg", SearchOption.AllDirectories).Count());
    }

    [Theory]
    [InlineData("split", "--data", "/no/such/folder", "--out", "/tmp/unused-split")]
    [InlineData("stats", "--data", "/no/such/folder")]
    public async Task A_missing_dataset_is_a_clear_error_not_a_crash(params string[] args)
    {
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(args));
    }

    [Fact]
    public async Task Train_refuses_an_existing_output_folder_before_training()
    {
        using var directory = new TempDirectory();
        var output = directory.Combine("models", "taken");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.txt"), "operator's file");

        // No split exists either: that the folder is named in the error proves the check comes before any work.
        var refused = Assert.Throws<ArgumentException>(() => FaceMask.Training.Learning.TrainingPipeline.Run(new FaceMask.Training.Learning.TrainingRequest
        {
            SplitDirectory = directory.Combine("no-split"),
            OutputDirectory = output,
        }, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("already exists", refused.Message);
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["train", "--split", directory.Combine("no-split"), "--out", output, "--epochs", "1"]));
        Assert.Equal("operator's file", File.ReadAllText(Path.Combine(output, "keep.txt")));
    }

    [Fact]
    public async Task Synthesize_paints_every_class_from_no_mask_faces_with_a_contact_sheet()
    {
        using var directory = new TempDirectory();
        var data = directory.Combine("Dataset");
        var output = directory.Combine("painted");
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["generate", "--out", data, "--per-class", "6", "--seed", "4"]));

        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["synthesize", "--data", data, "--out", output, "--per-class", "5", "--models", Path.Combine(RepositoryPaths.Root, "models")]));

        foreach (var name in new[] { "with_mask", "mask_weared_incorrect", "without_mask" })
        {
            var files = Directory.GetFiles(Path.Combine(output, name), "*.png");
            Assert.Equal(5, files.Length);
            using var first = OpenCvSharp.Cv2.ImRead(files[0]);
            Assert.Equal(128, first.Width);
        }

        Assert.Contains(Directory.GetFiles(Path.Combine(output, "mask_weared_incorrect")), f => f.Contains("_OnChin_", StringComparison.Ordinal));
        Assert.Contains(Directory.GetFiles(Path.Combine(output, "mask_weared_incorrect")), f => f.Contains("_BelowNose_", StringComparison.Ordinal));
        using var sheet = OpenCvSharp.Cv2.ImRead(Path.Combine(output, "contact_sheet.png"));
        Assert.False(sheet.Empty());
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["synthesize", "--data", directory.Combine("missing"), "--out", output]));
    }

    [Fact]
    public async Task Detect_reports_every_face_of_each_photo_and_writes_annotated_copies()
    {
        using var directory = new TempDirectory();
        var (scene, noses) = TestImages.Scene(480, 360, [(20, 30, 200, MaskState.None), (250, 20, 150, MaskState.Correct), (300, 180, 128, MaskState.Incorrect)]);
        using (scene)
        {
            File.WriteAllBytes(directory.Combine("scene.png"), SyntheticFaces.Encode(scene, ImageFormat.Png));
        }

        using (var wall = TestImages.Solid(300, 200, new OpenCvSharp.Scalar(80, 120, 160)))
        {
            File.WriteAllBytes(directory.Combine("wall.png"), SyntheticFaces.Encode(wall, ImageFormat.Png));
        }

        File.WriteAllText(directory.Combine("notes.txt"), "not a photo");
        var (exitCode, output) = await CliCapture.RunAsync(["detect", "--model", Path.Combine(RepositoryPaths.Root, "models", "facemask-v2"), "--models", Path.Combine(RepositoryPaths.Root, "models"),
            "--annotate", directory.Combine("annotated"), directory.Combine("scene.png"), directory.Combine("wall.png"), directory.Combine("notes.txt")]);

        Assert.Equal(CliConsole.BadInput, exitCode); // one input was not a photo
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("{\"file\":", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        var faces = lines[0].GetProperty("faces").EnumerateArray().ToList();
        Assert.Equal(3, faces.Count);
        foreach (var nose in noses)
        {
            Assert.Single(faces, f =>
            {
                var box = f.GetProperty("box");
                return new OpenCvSharp.Rect2f(box.GetProperty("x").GetSingle(), box.GetProperty("y").GetSingle(), box.GetProperty("width").GetSingle(), box.GetProperty("height").GetSingle()).Contains(nose);
            });
        }

        Assert.Equal(3, lines[0].GetProperty("counts").EnumerateObject().Sum(c => c.Value.GetInt32()));
        Assert.Empty(lines[1].GetProperty("faces").EnumerateArray());
        Assert.Contains("not a JPEG, PNG, BMP or WebP", lines[2].GetProperty("error").GetString());
        Assert.True(File.Exists(directory.Combine("annotated", "scene.jpg")));
        Assert.True(File.Exists(directory.Combine("annotated", "wall.jpg")));
    }

    [Fact]
    public async Task Evaluate_detection_reads_voc_annotations_and_scores_the_photos()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.Combine("images"));
        Directory.CreateDirectory(directory.Combine("annotations"));
        var models = Path.Combine(RepositoryPaths.Root, "models");
        using var detector = FaceMask.Training.Detection.BlazeFaceDetector.Front(models);
        var placements = new[] { (20, 30, 200, MaskState.None), (250, 20, 150, MaskState.Correct) };
        var (scene, _) = TestImages.Scene(480, 360, placements);
        using (scene)
        {
            File.WriteAllBytes(directory.Combine("images", "street.png"), SyntheticFaces.Encode(scene, ImageFormat.Png));
        }

        // The annotated boxes: where the detector puts each drawn face alone, moved to its place; plus a face
        // annotated where the photo has none, which no detector can find.
        var objects = new List<(string Name, float X, float Y, float Width, float Height)>();
        for (var i = 0; i < placements.Length; i++)
        {
            var (x, y, size, state) = placements[i];
            using var face = SyntheticFaces.Draw(state, 100 + i, size);
            var box = detector.Detect(face)[0].Box;
            objects.Add((SyntheticFaces.ClassName(state), x + box.X, y + box.Y, box.Width, box.Height));
        }

        objects.Add(("without_mask", 420, 300, 40, 40));
        var xml = new System.Xml.Linq.XElement("annotation",
            new System.Xml.Linq.XElement("filename", "street.png"),
            objects.Select(o => new System.Xml.Linq.XElement("object",
                new System.Xml.Linq.XElement("name", o.Name),
                new System.Xml.Linq.XElement("bndbox",
                    new System.Xml.Linq.XElement("xmin", o.X), new System.Xml.Linq.XElement("ymin", o.Y),
                    new System.Xml.Linq.XElement("xmax", o.X + o.Width), new System.Xml.Linq.XElement("ymax", o.Y + o.Height)))));
        xml.Save(directory.Combine("annotations", "street.xml"));

        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["evaluate-detection", "--data", directory.Path, "--model", Path.Combine(models, "facemask-v2"), "--models", models, "--json", directory.Combine("report.json")]));

        using var report = JsonDocument.Parse(File.ReadAllText(directory.Combine("report.json")));
        var root = report.RootElement;
        Assert.Equal(3, root.GetProperty("faces").GetInt32());
        Assert.Equal(2.0 / 3, root.GetProperty("recall").GetDouble(), 12);
        Assert.Equal(1.0, root.GetProperty("precision").GetDouble());
        Assert.Equal(2, root.GetProperty("classified").GetInt32());
        Assert.Equal(0.5, root.GetProperty("recall_by_class").GetProperty("without_mask").GetDouble());
        Assert.InRange(root.GetProperty("median_box_ratio").GetDouble(), 0.9, 1.1); // annotated where the detector puts each face alone
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["evaluate-detection", "--data", directory.Combine("images"), "--models", models]));
    }

    [Fact]
    public async Task Generate_draws_whole_scenes_whose_faces_the_detector_finds()
    {
        using var directory = new TempDirectory();

        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["generate", "--out", directory.Combine("faces"), "--per-class", "1", "--scenes", "3", "--scenes-out", directory.Combine("scenes"), "--scene-size", "400x300"]));

        Assert.Equal(["mask_weared_incorrect", "with_mask", "without_mask"], Directory.GetDirectories(directory.Combine("faces")).Select(Path.GetFileName).Order(StringComparer.Ordinal)); // scenes are not a class
        var scenes = Directory.GetFiles(directory.Combine("scenes"), "*.jpg").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, scenes.Count);
        using var detector = FaceMask.Training.Detection.BlazeFaceDetector.Front(Path.Combine(RepositoryPaths.Root, "models"));
        var finder = new FaceMask.Training.Detection.FaceFinder(detector);
        foreach (var scene in scenes)
        {
            using var photo = ImageDecoder.DecodeFile(scene);
            Assert.Equal((400, 300), (photo.Width, photo.Height));
            Assert.True(finder.Find(photo).Count >= 2, $"{Path.GetFileName(scene)}: fewer than two faces found");
        }

        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["generate", "--out", directory.Path, "--scenes", "1", "--scenes-out", directory.Combine("more"), "--scene-size", "400 by 300"]));
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["generate", "--out", directory.Path, "--scenes", "1"]));
    }

    [Fact]
    public async Task Generate_composes_annotated_scenes_from_face_crops_that_evaluate_detection_scores()
    {
        using var directory = new TempDirectory();
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["generate", "--out", directory.Combine("crops"), "--per-class", "4", "--seed", "3"]));

        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["generate", "--faces-from", directory.Combine("crops"), "--scenes", "4", "--scenes-out", directory.Combine("crowds"), "--face-sizes", "40-90", "--scene-size", "400x300"]));

        var annotations = VocAnnotation.LoadAll(directory.Combine("crowds"));
        Assert.Equal(4, annotations.Count);
        var classes = new[] { "mask_weared_incorrect", "with_mask", "without_mask" };
        foreach (var annotation in annotations)
        {
            using var photo = ImageDecoder.DecodeFile(annotation.ImagePath);
            Assert.Equal((400, 300), (photo.Width, photo.Height));
            Assert.InRange(annotation.Faces.Count, 1, 8);
            Assert.All(annotation.Faces, f =>
            {
                Assert.Contains(f.Class, classes);
                Assert.InRange(f.Box.Width, 40, 90);
                Assert.True(f.Box.X >= 0 && f.Box.Y >= 0 && f.Box.Right <= 400 && f.Box.Bottom <= 300, $"{f.Box} leaves the photo");
            });
            var boxes = annotation.Faces.Select(f => f.Box).ToList();
            Assert.All(boxes, a => Assert.Equal(1, boxes.Count(b => FaceBoxes.IntersectionOverUnion(a, b) > 0))); // apart
        }

        var models = Path.Combine(RepositoryPaths.Root, "models");
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["evaluate-detection", "--data", directory.Combine("crowds"), "--model", Path.Combine(models, "facemask-v2"), "--models", models, "--json", directory.Combine("report.json")]));
        using var report = JsonDocument.Parse(File.ReadAllText(directory.Combine("report.json")));
        Assert.Equal(annotations.Sum(a => a.Faces.Count), report.RootElement.GetProperty("faces").GetInt32());
        // A drawn face fills about half its picture, so its box overlaps the annotated picture by about 0.25,
        // under the 0.3 a match needs (the dataset's crops are the face): count detections instead.
        var faces = annotations.Sum(a => a.Faces.Count);
        Assert.True(report.RootElement.GetProperty("detections").GetInt32() >= faces / 2, $"{report.RootElement.GetProperty("detections")} detections for {faces} drawn faces of 40-90 px");

        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["generate", "--faces-from", directory.Combine("crops"), "--scenes", "1", "--scenes-out", directory.Combine("x"), "--face-sizes", "90-40"]));
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["generate", "--faces-from", directory.Combine("missing"), "--scenes", "1", "--scenes-out", directory.Combine("y")]));
    }

    [Fact]
    public async Task Invalid_options_are_refused_with_exit_code_2()
    {
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["split", "--data", ".", "--val", "0.6", "--test", "0.6"]));
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["split"])); // --data is required: a parse error
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["train", "--split", "x", "--out", "y", "--epochs", "many"]));
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["no-such-command"]));
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["split", "--help"]));
    }

    [Fact]
    public async Task Evaluate_prints_tables_that_fit_100_columns_unless_wide()
    {
        using var directory = new TempDirectory();
        var data = directory.Combine("faces");
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["generate", "--out", data, "--per-class", "8", "--seed", "9"]));
        var model = Path.Combine(RepositoryPaths.Root, CliOptions.DefaultModel); // the current folder is process-wide: the default's path, said

        var models = Path.Combine(RepositoryPaths.Root, "models");
        var (exitCode, output) = await CliCapture.RunAsync(["evaluate", "--model", model, "--models", models, "--data", data]);
        var (wideExitCode, wide) = await CliCapture.RunAsync(["evaluate", "--model", model, "--models", models, "--data", data, "--wide"]);

        Assert.Equal((CliConsole.Ok, CliConsole.Ok), (exitCode, wideExitCode));
        var lines = output.ReplaceLineEndings("\n").Split('\n');
        var widest = lines.MaxBy(l => l.Length)!;
        Assert.True(widest.Length <= 100, $"{widest.Length} columns: {widest}");
        Assert.Contains(lines, l => l.StartsWith("│ as_is ", StringComparison.Ordinal));
        Assert.Contains("mask worn incorrectly", output); // display names, not folder names
        Assert.DoesNotContain("the images as they are", output);
        Assert.Contains("the images as they are", wide); // what the first row measured, whatever the folder
        Assert.DoesNotContain("test split", wide);
    }

    [Fact]
    public async Task The_usage_line_calls_it_facemask_whatever_runs_it()
    {
        var (exitCode, output) = await CliCapture.RunAsync(["evaluate", "--help"]);

        Assert.Equal(CliConsole.Ok, exitCode);
        Assert.Contains("\n  facemask evaluate [options]", output.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("FaceMask.Training", output);
        Assert.Contains($"[default: {CliOptions.DefaultModel}]", output); // the model the service serves
    }

    [Fact]
    public async Task Impossible_requests_end_with_a_clear_error_not_a_stack_trace()
    {
        using var directory = new TempDirectory();
        var model = Path.Combine(RepositoryPaths.Root, "models", "facemask-v1");
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int predictDirectory;
        try
        {
            predictDirectory = await FaceMaskCli.RunAsync(["predict", "--model", model, directory.Path]);
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.Equal(CliConsole.BadInput, predictDirectory);
        using var line = JsonDocument.Parse(output.ToString().Trim());
        Assert.Contains("is a folder", line.RootElement.GetProperty("error").GetString());
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["generate", "--out", directory.Combine("huge"), "--per-class", "1", "--size", "100000"]));
        Assert.False(Directory.Exists(directory.Combine("huge")));
    }
}

/// <summary>
/// The CLI draws progress bars on the process-wide console, which allows one live display at a
/// time; tests that run commands in-process take turns.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CliCollection
{
    public const string Name = "CLI";
}
