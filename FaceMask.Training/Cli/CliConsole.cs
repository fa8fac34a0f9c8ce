using System.Diagnostics;
using FaceMask.Training.Data;
using FaceMask.Training.Imaging;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary>Console output shared by the commands: progress, errors, exit codes.</summary>
internal static class CliConsole
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    /// <summary>Runs a command body, turning expected failures into a one-line error and exit code 2.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or ArgumentException or ImageRejectedException or InvalidDataException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return BadInput;
        }
    }

    /// <summary>Scans datasets with a progress bar.</summary>
    public static DatasetScan Scan(IReadOnlyList<string> roots)
    {
        var stopwatch = Stopwatch.StartNew();
        var total = CountFiles(roots);
        DatasetScan? scan = null;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("Reading images", maxValue: Math.Max(1, total));
                scan = DatasetScanner.Scan(roots, progress: new Progress<int>(done => task.Value = done));
                task.Value = task.MaxValue;
            });

        AnsiConsole.MarkupLineInterpolated(
            $"Read [bold]{scan!.Images.Count:N0}[/] images in {scan.Classes.Count} classes from {roots.Count} folder(s) in {stopwatch.Elapsed.TotalSeconds:0.0} s; {scan.Unreadable.Count} unreadable.");
        foreach (var bad in scan.Unreadable.Take(20))
        {
            AnsiConsole.MarkupLineInterpolated($"  [yellow]skipped[/] {bad.Path}: {bad.Reason}");
        }

        if (scan.Unreadable.Count > 20)
        {
            AnsiConsole.MarkupLineInterpolated($"  ... and {scan.Unreadable.Count - 20} more");
        }

        return scan;
    }

    /// <summary>Runs a long step under a spinner and says how long it took.</summary>
    public static T Step<T>(string description, Func<T> step)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = AnsiConsole.Status().Start(description + "...", _ => step());
        AnsiConsole.MarkupLineInterpolated($"{description}: done in {stopwatch.Elapsed.TotalSeconds:0.0} s.");
        return result;
    }

    private static int CountFiles(IReadOnlyList<string> roots) =>
        roots.Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories)
            .Sum(directory => Directory.EnumerateFiles(directory).Count());
}
