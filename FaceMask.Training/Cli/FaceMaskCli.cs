using System.CommandLine;
using System.CommandLine.Help;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary>The `facemask` command tree; Program.cs runs it, tests invoke it in-process.</summary>
public static class FaceMaskCli
{
    public const string Name = "facemask";

    /// <summary>
    /// The root, named <c>facemask</c> whatever runs it: a RootCommand takes its name from the
    /// executable (<c>FaceMask.Training</c> under <c>dotnet run</c> and as a .NET tool), so its usage
    /// line would not match the README. A plain command with the help and version options instead.
    /// </summary>
    public static Command Create() =>
        new(Name, "facemask: datasets, leak-free splits, training, evaluation and Keras/ONNX model files for face-mask classification.")
        {
            new HelpOption(),
            new VersionOption(),
            StatsCommand.Create(),
            SplitCommand.Create(),
            CutFacesCommand.Create(),
            GenerateCommand.Create(),
            SynthesizeCommand.Create(),
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            CalibrateCommand.Create(),
            PredictCommand.Create(),
            DetectCommand.Create(),
            EvaluateDetectionCommand.Create(),
            ExportOnnxCommand.Create(),
            ImportKerasCommand.Create(),
            BenchmarkCommand.Create(),
        };

    public static Task<int> RunAsync(string[] args)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160; // logs and pipes: keep tables on one line per row
        }

        var parse = Create().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // docs/cli.md's promise: bad input is a one-line error and exit code 2 (not the full help and 1).
            var command = parse.CommandResult.Command.Name == Name ? Name : $"{Name} {parse.CommandResult.Command.Name}";
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {string.Join(" ", parse.Errors.Select(e => e.Message))} (see {command} --help)");
            return Task.FromResult(CliConsole.BadInput);
        }

        return parse.InvokeAsync();
    }
}
