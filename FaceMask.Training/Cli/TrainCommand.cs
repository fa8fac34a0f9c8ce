using System.CommandLine;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary><c>facemask train --split Dataset_Split --out models/NAME [--epochs N] [--input-size S] [--seed N] [--paint-ratio R]</c>.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var split = new Option<string>("--split") { Description = "Split folder written by `facemask split`.", DefaultValueFactory = _ => "Dataset_Split" };
        var output = new Option<string>("--out") { Description = "Model folder to write (models/<name>).", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Most epochs to train (early stopping may end sooner).", DefaultValueFactory = _ => new TrainingOptions().Epochs };
        var inputSize = new Option<int>("--input-size") { Description = "Square network input side in pixels.", DefaultValueFactory = _ => 64 };
        var seed = CliOptions.Seed();
        var architecture = new Option<string>("--architecture") { Description = $"One of: {string.Join(", ", Architectures.Names)}.", DefaultValueFactory = _ => Architectures.Default };
        var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => new TrainingOptions().BatchSize };
        var learningRate = new Option<double>("--learning-rate") { Description = "Peak AdamW learning rate.", DefaultValueFactory = _ => new TrainingOptions().LearningRate };
        var patience = new Option<int>("--patience") { Description = "Epochs without a better validation macro-F1 before stopping.", DefaultValueFactory = _ => new TrainingOptions().Patience };
        var averageDecay = new Option<double>("--average-decay") { Description = "Keep an exponential moving average of the weights with this decay (0: off).", DefaultValueFactory = _ => new TrainingOptions().AverageDecay };
        var paintRatio = new Option<double>("--paint-ratio") { Description = "Painted faces added to each epoch, as a fraction of the training images (0: none).", DefaultValueFactory = _ => new TrainingOptions().PaintRatio };
        var models = CliOptions.Models();
        var parent = new Option<string?>("--parent") { Description = "Fine-tune this model folder instead of starting from scratch." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the output folder if it exists." };
        var command = new Command("train", "Train a Keras-compatible CNN on a split and save it as a model folder.")
        {
            split, output, epochs, inputSize, seed, architecture, batchSize, learningRate, patience, averageDecay, paintRatio, models, parent, overwrite,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            var request = new TrainingRequest
            {
                SplitDirectory = parse.GetRequiredValue(split),
                OutputDirectory = parse.GetRequiredValue(output),
                Architecture = parse.GetRequiredValue(architecture),
                InputSize = parse.GetValue(inputSize),
                Parent = parse.GetValue(parent) is { } parentPath ? ModelFolder.Load(parentPath) : null,
                Overwrite = parse.GetValue(overwrite),
                FaceDetectorPath = CliOptions.DetectorPath(parse.GetValue(models)!),
                Options = new TrainingOptions
                {
                    Epochs = parse.GetValue(epochs),
                    Seed = parse.GetValue(seed),
                    BatchSize = parse.GetValue(batchSize),
                    LearningRate = parse.GetValue(learningRate),
                    Patience = parse.GetValue(patience),
                    AverageDecay = parse.GetValue(averageDecay),
                    PaintRatio = parse.GetValue(paintRatio),
                },
            };
            if (request.InputSize is < 16 or > 512)
            {
                throw new ArgumentException("--input-size must be between 16 and 512.");
            }

            request.Options.Validate();
            var outcome = Run(request);
            Report(outcome);
            return CliConsole.Ok;
        }));
        return command;
    }

    private static TrainingOutcome Run(TrainingRequest request)
    {
        TrainingOutcome? outcome = null;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("Loading images", maxValue: 1);
                var progress = new SynchronousProgress<PipelineProgress>(p =>
                {
                    if (p.Training is not { } training)
                    {
                        task.Description = p.Message;
                        return;
                    }

                    task.MaxValue = training.Epochs * training.Steps;
                    task.Value = ((training.Epoch - 1) * training.Steps) + training.Step;
                    task.Description = $"epoch {training.Epoch}/{training.Epochs} step {training.Step}/{training.Steps} loss {training.Loss:0.000} {training.ImagesPerSecond:0} img/s";
                    if (training.Completed is { } epoch)
                    {
                        AnsiConsole.MarkupLineInterpolated(
                            $"epoch {epoch.Epoch,3}  loss {epoch.TrainLoss:0.0000}  acc {epoch.TrainAccuracy:0.0000}  val loss {epoch.ValLoss:0.0000}  val acc {epoch.ValAccuracy:0.0000}  val macro-F1 {epoch.ValMacroF1:0.0000}  lr {epoch.LearningRate:0.00000}  {epoch.Seconds:0.0} s  {epoch.ImagesPerSecond:0} img/s");
                    }
                });
                outcome = TrainingPipeline.Run(request, progress);
            });
        return outcome!;
    }

    private static void Report(TrainingOutcome outcome)
    {
        var metadata = outcome.Model.Metadata;
        var test = outcome.Test;
        var table = new Table().AddColumns("figure", "value");
        table.AddRow("wall time", $"{outcome.WallTime.TotalSeconds:0} s (training {outcome.Training.Elapsed.TotalSeconds:0} s)");
        table.AddRow("throughput", $"{outcome.Training.ImagesPerSecond:0} training images/s");
        table.AddRow("epochs", $"{outcome.Training.History.Count} (best {outcome.Training.BestEpoch}{(outcome.Training.StoppedEarly ? ", stopped early" : string.Empty)})");
        table.AddRow("test accuracy", $"{test.Accuracy:0.0000} on {test.Count} images");
        table.AddRow("test macro-F1", $"{test.MacroF1:0.0000}");
        foreach (var (name, metrics) in test.PerClass)
        {
            table.AddRow($"  {name}", $"P {metrics.Precision:0.000}  R {metrics.Recall:0.000}  F1 {metrics.F1:0.000}  n {metrics.Support}");
        }

        if (test.Robustness is { } robustness)
        {
            table.AddRow("worst shift", $"{robustness.Worst}: macro-F1 {robustness.WorstMacroF1:0.0000} (all rows: facemask evaluate)");
        }

        table.AddRow("parameters", $"{metadata.Parameters:N0}");
        table.AddRow("cost", $"{metadata.MegaFlops:0.00} MFLOPs per image ({metadata.InputSize[0]}x{metadata.InputSize[1]})");
        table.AddRow("model.h5", $"{outcome.ModelFileBytes / 1024.0:0.0} KiB");
        table.AddRow("saved to", outcome.Model.Path);
        AnsiConsole.Write(table);
    }
}

/// <summary>An IProgress that calls back on the reporting thread (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
