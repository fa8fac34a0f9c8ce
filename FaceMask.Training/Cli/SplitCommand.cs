using System.CommandLine;
using System.Diagnostics;
using FaceMask.Training.Data;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary><c>facemask split --data Dataset [--data DatasetNew ...] --out Dataset_Split --seed 42 --val 0.15 --test 0.15</c>.</summary>
internal static class SplitCommand
{
    public static Command Create()
    {
        var data = CliOptions.Data("Class-per-folder dataset(s) to split; repeat to merge several (e.g. Dataset and DatasetNew, or faces from `cut-faces`, whose photos are kept whole and grouped with their near-duplicate crops).");
        var output = new Option<string>("--out") { Description = "Split folder to write.", DefaultValueFactory = _ => "Dataset_Split" };
        var seed = CliOptions.Seed();
        var val = new Option<double>("--val") { Description = "Fraction for validation.", DefaultValueFactory = _ => 0.15 };
        var test = new Option<double>("--test") { Description = "Fraction for test.", DefaultValueFactory = _ => 0.15 };
        var validationPhotos = new Option<double>("--validation-photos")
        {
            Description = "Share of the photos behind `cut-faces` data held out whole for validation, with every crop their faces match (0..1).",
            DefaultValueFactory = _ => 0,
            Validators = { r => CliOptions.Require(r, r.GetValueOrDefault<double>() is >= 0 and < 1, "--validation-photos must be at least 0 and under 1.") },
        };
        var nearDuplicates = new CliOptions.NearDuplicates();
        var command = new Command("split", "Group near-duplicates and split whole groups into train/val/test, stratified by class.")
        {
            data, output, seed, val, test, validationPhotos,
        };
        foreach (var option in nearDuplicates.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => CliConsole.Run(() =>
        {
            var stopwatch = Stopwatch.StartNew();
            var options = new SplitOptions
            {
                Seed = parse.GetValue(seed),
                Fractions = new SplitFractions(parse.GetValue(val), parse.GetValue(test)),
                NearDuplicates = nearDuplicates.Read(parse),
                ValidationPhotos = parse.GetValue(validationPhotos),
            };
            options.Fractions.Validate();
            var scan = CliConsole.Scan(parse.GetRequiredValue(data));
            if (scan.Images.Count == 0)
            {
                throw new ArgumentException("No readable images found: expected <dataset>/<class>/<image> files.");
            }

            var plan = CliConsole.Grouping(progress => SplitPlan.Create(scan, options, group: (images, settings) => PhotoFaceGrouping.Group(images, settings, progress)));
            var outputDirectory = parse.GetRequiredValue(output);
            var result = SplitWriter.Write(plan, outputDirectory, DateTimeOffset.UtcNow);
            Print(result.Manifest);
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {result.Written:N0} files ({result.Linked:N0} hard links) and {Path.Combine(outputDirectory, SplitManifest.FileName)} in {stopwatch.Elapsed.TotalSeconds:0.0} s.");
            return CliConsole.Ok;
        }));
        return command;
    }

    private static void Print(SplitManifest manifest)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"{manifest.Groups:N0} near-duplicate groups ({manifest.NearDuplicates.Method}); every group sits in exactly one part.");
        var table = new Table().AddColumn("part");
        foreach (var name in manifest.Classes)
        {
            table.AddColumn(name);
        }

        table.AddColumn("total");
        foreach (var (part, counts) in manifest.Counts)
        {
            table.AddRow([part, .. manifest.Classes.Select(c => $"{counts[c]:N0}"), $"{counts.Values.Sum():N0}"]);
        }

        AnsiConsole.Write(table);
    }
}
