using System.CommandLine;
using FaceMask.Training.Synthetic;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary><c>facemask generate --out DIR --per-class N</c>: a procedural face dataset for demos, load tests and smoke training.</summary>
internal static class GenerateCommand
{
    // A face is drawn in memory at full size: 4,096 px is 50 MB per image, far past any use here.
    private const int MaxSize = 4096;
    private const int MaxPerClass = 1_000_000;

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write <class>/<file>.jpg into.", Required = true };
        var perClass = new Option<int>("--per-class") { Description = "Faces per class.", DefaultValueFactory = _ => 100 };
        var size = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 128 };
        var seed = CliOptions.Seed();
        var command = new Command("generate", "Draw synthetic faces (mask correct, below the nose, none) as a class-per-folder dataset.")
        {
            output, perClass, size, seed,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            if (parse.GetValue(perClass) is < 1 or > MaxPerClass || parse.GetValue(size) is < 16 or > MaxSize)
            {
                throw new ArgumentException($"--per-class must be between 1 and {MaxPerClass:N0}, --size between 16 and {MaxSize} pixels.");
            }

            var paths = SyntheticFaces.WriteDataset(parse.GetRequiredValue(output), parse.GetValue(perClass), parse.GetValue(seed), parse.GetValue(size));
            AnsiConsole.MarkupLineInterpolated($"Wrote {paths.Count:N0} synthetic faces under {parse.GetRequiredValue(output)}.");
            return CliConsole.Ok;
        }));
        return command;
    }
}
