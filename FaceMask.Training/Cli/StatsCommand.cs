using System.CommandLine;
using FaceMask.Training.Common;
using FaceMask.Training.Data;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary><c>facemask stats --data DIR [--json FILE]</c>: counts, sizes and duplicate structure of a dataset.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var data = CliOptions.Data("Class-per-folder dataset(s) to describe.");
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file." };
        var nearDuplicates = new CliOptions.NearDuplicates();
        var command = new Command("stats", "Per-class counts, image sizes, exact and near-duplicate groups of a class-per-folder dataset.")
        {
            data, json,
        };
        foreach (var option in nearDuplicates.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => CliConsole.Run(() =>
        {
            var scan = CliConsole.Scan(parse.GetRequiredValue(data));
            var stats = CliConsole.Grouping(progress => DatasetStats.Compute(scan, nearDuplicates.Read(parse), progress));
            Print(stats);
            if (parse.GetValue(json) is { } jsonPath)
            {
                AtomicFile.WriteAllText(jsonPath, Json.Serialize(stats));
                AnsiConsole.MarkupLineInterpolated($"Wrote {jsonPath}");
            }

            return CliConsole.Ok;
        }));
        return command;
    }

    private static void Print(DatasetStats stats)
    {
        var table = new Table().AddColumns("class", "images", "exact dup. copies", "near-dup. groups", "singletons", "largest group", "in shared groups", "images/group");
        foreach (var (name, c) in stats.Classes)
        {
            table.AddRow(name, $"{c.Images:N0}", $"{c.ExactDuplicateExtraCopies:N0}", $"{c.NearDuplicateGroups:N0}", $"{c.Singletons:N0}",
                $"{c.LargestGroup:N0}", $"{c.ImagesInSharedGroups:N0} ({(c.Images == 0 ? 0 : (double)c.ImagesInSharedGroups / c.Images):P0})", $"{c.ImagesPerGroup:0.00}");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Formats: {string.Join(", ", stats.Formats.Select(f => $"{f.Key} {f.Value:N0}"))}");
        AnsiConsole.MarkupLineInterpolated($"Sizes (most common): {string.Join(", ", stats.Sizes.Select(s => $"{s.Key} {s.Value:N0}"))}");
        AnsiConsole.MarkupLineInterpolated($"Exact duplicates: {stats.ExactDuplicateSets:N0} sets, {stats.ExactDuplicateExtraCopies:N0} extra copies.");
        AnsiConsole.MarkupLineInterpolated(
            $"Near-duplicate groups ({NearDuplicateSettings.Method}): {stats.NearDuplicateGroups:N0} for {stats.Images:N0} images; {stats.CrossClassGroups} span more than one class.");
        foreach (var (group, number) in stats.CrossClassGroupMembers.Select((g, i) => (g, i + 1)))
        {
            AnsiConsole.MarkupLineInterpolated($"  group {number} spans {string.Join(" and ", group.Select(m => MaskClasses.Label(m.Class)).Distinct())}: {string.Join(", ", group.Select(m => Path.Combine(m.Source, m.RelativePath)))}");
        }
    }
}
