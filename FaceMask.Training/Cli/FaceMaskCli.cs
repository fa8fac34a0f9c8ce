using System.CommandLine;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary>The `facemask` command tree; Program.cs runs it, tests invoke it in-process.</summary>
public static class FaceMaskCli
{
    public static RootCommand Create() =>
        new("facemask: datasets, leak-free splits, training, evaluation and Keras/ONNX model files for face-mask classification.")
        {
            StatsCommand.Create(),
            SplitCommand.Create(),
            GenerateCommand.Create(),
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            PredictCommand.Create(),
            ExportOnnxCommand.Create(),
            BenchmarkCommand.Create(),
        };

    public static Task<int> RunAsync(string[] args)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160; // logs and pipes: keep tables on one line per row
        }

        return Create().Parse(args).InvokeAsync();
    }
}
