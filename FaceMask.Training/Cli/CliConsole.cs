using System.Diagnostics;
using System.Globalization;
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

    /// <summary>
    /// Prints one JSON line per file: <paramref name="describe"/>'s, or <c>{file, error}</c> when the
    /// file is a folder, unreadable or not an image (the others still run). Exit code 2 if any failed.
    /// </summary>
    public static int EachFile(IReadOnlyList<string> files, Func<string, string> describe)
    {
        var exitCode = Ok;
        // With the JSON lines going to a file or pipe, the terminal would show nothing for minutes:
        // count on stderr instead ("detect: 120 of 421 files, 3.2/s"), one line rewritten in place.
        var counting = Console.IsOutputRedirected && !Console.IsErrorRedirected && files.Count > 1;
        var stopwatch = Stopwatch.StartNew();
        var done = 0;
        foreach (var file in files)
        {
            string line;
            try
            {
                if (Directory.Exists(file))
                {
                    throw new IOException($"'{file}' is a folder; pass image files (for example {Path.Combine(file, "*.jpg")}).");
                }

                line = describe(file);
            }
            catch (Exception e) when (e is ImageRejectedException or IOException or UnauthorizedAccessException)
            {
                line = System.Text.Json.JsonSerializer.Serialize(new { file, error = e.Message });
                exitCode = BadInput;
            }

            Console.Out.WriteLine(line);
            done++;
            if (counting)
            {
                Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
                    $"\r{done:N0} of {files.Count:N0} files, {done / Math.Max(0.001, stopwatch.Elapsed.TotalSeconds):0.0}/s{(done == files.Count ? Environment.NewLine : "")}"));
            }
        }

        return exitCode;
    }

    /// <summary>
    /// Runs <paramref name="work"/> under a progress bar that counts: "Reading images 1,216 of 7,600
    /// (212/s)", the time left beside it. <paramref name="work"/> reports how many items are done.
    /// </summary>
    public static T Counted<T>(string what, int total, Func<Action<int>, T> work) =>
        UnderBar(what, total, bar => work(done => bar.Show(what, done, total)));

    /// <summary>
    /// Runs a near-duplicate grouping under a bar that counts each pass ("Grouping: comparing images
    /// 3,200 of 7,600 (610/s)", then the look-alike pairs) and says how long it took.
    /// </summary>
    public static T Grouping<T>(Func<IProgress<GroupingProgress>, T> work)
    {
        const string What = "Grouping near-duplicates";
        var stopwatch = Stopwatch.StartNew();
        var passes = new List<GroupingProgress>();
        var result = UnderBar(What, 0, bar => work(new SynchronousProgress<GroupingProgress>(pass =>
        {
            if (passes.Count > 0 && passes[^1].Phase == pass.Phase)
            {
                passes[^1] = pass;
            }
            else
            {
                passes.Add(pass);
            }

            bar.Show($"Grouping: {pass.Description}", pass.Done, pass.Total); // short enough for the bar to fit 80 columns
        })));
        var counted = passes.Count == 0 ? "" : $" ({string.Join(", ", passes.Select(p => $"{p.Done:N0} {(p.Phase == GroupingPhase.Comparing ? "images compared" : "look-alike pairs aligned")}"))})";
        AnsiConsole.MarkupLineInterpolated($"{What}: done in {stopwatch.Elapsed.TotalSeconds:0.0} s{counted}.");
        return result;
    }

    private static T UnderBar<T>(string what, int total, Func<CountingBar, T> work)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask($"{what} 0 of {total:N0}", maxValue: Math.Max(1, total));
                result = work(new CountingBar(task));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>One bar's count and rate; the rate starts again when the bar starts counting something else.</summary>
    private sealed class CountingBar(ProgressTask task)
    {
        private readonly Lock gate = new();
        private Stopwatch stopwatch = Stopwatch.StartNew();
        private string? counting;

        public void Show(string what, int done, int total)
        {
            lock (gate)
            {
                if (counting != what)
                {
                    counting = what;
                    stopwatch = Stopwatch.StartNew();
                    task.MaxValue = Math.Max(1, total);
                }

                task.Value = done;
                var rate = done / Math.Max(0.001, stopwatch.Elapsed.TotalSeconds);
                task.Description = $"{what} {done:N0} of {total:N0} ({(rate < 10 ? rate.ToString("0.0", CultureInfo.InvariantCulture) : rate.ToString("N0", CultureInfo.InvariantCulture))}/s)";
            }
        }
    }

    /// <summary>Scans datasets with a progress bar.</summary>
    public static DatasetScan Scan(IReadOnlyList<string> roots)
    {
        var stopwatch = Stopwatch.StartNew();
        var scan = Counted("Reading images", DatasetScanner.CountFiles(roots), report => DatasetScanner.Scan(roots, progress: new Progress<int>(report)));

        AnsiConsole.MarkupLineInterpolated(
            $"Read [bold]{scan.Images.Count:N0}[/] images in {scan.Classes.Count} classes from {roots.Count} folder(s) in {stopwatch.Elapsed.TotalSeconds:0.0} s; {scan.Unreadable.Count} unreadable.");
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
}
