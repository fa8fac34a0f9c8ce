using System.CommandLine;
using System.Diagnostics;
using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using FaceMask.Training.Models;
using FaceMask.Training.Synthetic;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary>
/// <c>facemask benchmark --model models/NAME</c>: in-process latency of one prediction (decode,
/// preprocess, ONNX Runtime forward; batch 1, one thread) for a 128x128 JPEG, and batched throughput.
/// </summary>
internal static class BenchmarkCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var image = new Option<string?>("--image") { Description = "Image to use (default: a generated 128x128 JPEG face)." };
        var iterations = new Option<int>("--iterations") { Description = "Timed predictions.", DefaultValueFactory = _ => 5000 };
        var photo = new Option<string?>("--photo") { Description = "Also time whole-photo detection (decode, find faces, classify them) on this photo." };
        var models = CliOptions.Models();
        var minFace = CliOptions.MinFace();
        var command = new Command("benchmark", "Measure in-process prediction latency and throughput, and optionally whole-photo detection.") { model, image, iterations, photo, minFace, models };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            var folder = ModelFolder.Load(parse.GetRequiredValue(model));
            var bytes = parse.GetValue(image) is { } path ? File.ReadAllBytes(path) : Face();
            var count = Math.Max(100, parse.GetValue(iterations));
            using var single = OnnxModel.Load(folder, intraOpThreads: 1);
            var input = new float[single.Preprocessing.InputLength];

            for (var i = 0; i < 200; i++)
            {
                single.Classify(bytes); // warm-up
            }

            var total = new double[count];
            var preprocessing = new double[count];
            var forward = new double[count];
            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                ImagePreprocessor.Preprocess(bytes, single.Preprocessing, input);
                var preprocessed = Stopwatch.GetTimestamp();
                single.Run(input, 1);
                var end = Stopwatch.GetTimestamp();
                preprocessing[i] = Stopwatch.GetElapsedTime(start, preprocessed).TotalMilliseconds;
                forward[i] = Stopwatch.GetElapsedTime(preprocessed, end).TotalMilliseconds;
                total[i] = Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
            }

            var table = new Table().AddColumns("single image, batch 1, 1 thread", "p50 ms", "p95 ms", "p99 ms", "mean ms");
            foreach (var (name, values) in new[] { ("decode + preprocess", preprocessing), ("forward (ONNX Runtime)", forward), ("total", total) })
            {
                Array.Sort(values);
                table.AddRow(name, $"{Percentile(values, 0.5):0.000}", $"{Percentile(values, 0.95):0.000}", $"{Percentile(values, 0.99):0.000}", $"{values.Average():0.000}");
            }

            AnsiConsole.MarkupLineInterpolated($"Model {folder.Metadata.Version}: {folder.Metadata.MegaFlops:0.00} MFLOPs per image, input {folder.Metadata.InputSize[0]}x{folder.Metadata.InputSize[1]}; image {bytes.Length:N0} bytes; {count:N0} predictions.");
            AnsiConsole.Write(table);

            // Forward-only throughput with batches of 32 on every core, as the service's batcher runs them.
            using var batched = OnnxModel.Load(folder, intraOpThreads: Environment.ProcessorCount);
            var batch = new float[32 * input.Length];
            for (var i = 0; i < 32; i++)
            {
                input.CopyTo(batch, i * input.Length);
            }

            batched.Run(batch, 32);
            var watch = Stopwatch.StartNew();
            var images = 0;
            while (watch.Elapsed < TimeSpan.FromSeconds(3))
            {
                batched.Run(batch, 32);
                images += 32;
            }

            AnsiConsole.MarkupLineInterpolated($"Forward throughput, batch 32, {Environment.ProcessorCount} threads: {images / watch.Elapsed.TotalSeconds:N0} images/s.");
            if (parse.GetValue(photo) is { } photoPath)
            {
                BenchmarkPhoto(single, File.ReadAllBytes(photoPath), parse.GetValue(models)!, parse.GetValue(minFace), Math.Clamp(count / 20, 20, 500));
            }

            return CliConsole.Ok;
        }));
        return command;
    }

    /// <summary>Decode, find every face (the default detector) and classify them in one call, as <c>facemask detect</c> does: per-photo latency.</summary>
    private static void BenchmarkPhoto(OnnxModel classifier, byte[] bytes, string modelsDirectory, int minFace, int count)
    {
        using var finder = FaceFinders.Open(modelsDirectory);
        var times = new double[count];
        var faces = 0;
        for (var i = -10; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var decoded = ImageDecoder.Decode(bytes);
            faces = FaceClassifier.Classify(classifier, decoded, finder.Find(decoded, minFace), finder.CropWidening).Count;
            if (i >= 0)
            {
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        Array.Sort(times);
        AnsiConsole.MarkupLineInterpolated(
            $"Whole photo ({bytes.Length:N0} bytes, {faces} faces found, min face {minFace} px): p50 {Percentile(times, 0.5):0.0} ms, p95 {Percentile(times, 0.95):0.0} ms over {count} runs; {1000 / Percentile(times, 0.5):0.0} photos/s, {faces * 1000 / Percentile(times, 0.5):0.0} faces/s in one request at a time.");
    }

    private static byte[] Face()
    {
        using var face = SyntheticFaces.Draw(MaskState.Correct, seed: 1, size: 128);
        return SyntheticFaces.Encode(face, ImageFormat.Jpeg);
    }

    private static double Percentile(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))];
}
