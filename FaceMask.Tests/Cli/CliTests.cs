using System.Text.Json;
using FaceMask.Tests.Support;
using FaceMask.Training.Cli;

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
    public async Task Invalid_options_are_refused_with_exit_code_2()
    {
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["split", "--data", ".", "--val", "0.6", "--test", "0.6"]));
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["split"])); // --data is required: a parse error
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["train", "--split", "x", "--out", "y", "--epochs", "many"]));
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["no-such-command"]));
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["split", "--help"]));
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
