using System.Diagnostics;
using FaceMask.Tests.Support;

namespace FaceMask.Tests.Repository;

/// <summary>Running the service and the CLI from source leaves <c>git status</c> clean: what they write is ignored, what ships is not.</summary>
public class WorkingTreeTests
{
    [Theory]
    [InlineData("models/facemask-v4/model.h5")] // a retrain's candidate
    [InlineData("models/.facemask-v4.staging-1/model.h5")]
    [InlineData("App_Data/registry.db")]
    [InlineData("FaceMask.Api/App_Data/hangfire.db")]
    [InlineData("Dataset/with_mask/face.jpg")]
    [InlineData("DatasetNew/with_mask/0a1b.jpg")]
    [InlineData("Dataset_Split/retrains/facemask-v3/split.json")]
    [InlineData("ReferenceSet/versions/v0001.json")]
    [InlineData("TestResults/notebooks/01-dataset.ipynb")]
    public void What_a_run_writes_is_ignored(string path) => Assert.True(Ignored(path), $"{path} would show up in git status");

    [Theory]
    [InlineData("models/facemask-v3/model.h5")]
    [InlineData("models/facemask-v2/model.h5")]
    [InlineData("models/facemask-v1/metadata.json")]
    [InlineData("models/blazeface/LICENSE")]
    [InlineData("models/yunet/yunet_n_dynamic.onnx")]
    [InlineData("models/README.md")]
    [InlineData("Dataset/README.md")]
    [InlineData("ReferenceSet/README.md")]
    public void What_ships_is_not_ignored(string path) => Assert.False(Ignored(path), $"{path} is ignored");

    private static bool Ignored(string path)
    {
        Assert.SkipUnless(Directory.Exists(Path.Combine(RepositoryPaths.Root, ".git")), "not a git checkout");
        using var git = Process.Start(new ProcessStartInfo("git", ["check-ignore", "--no-index", "-q", path])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardError = true,
        })!;
        git.WaitForExit();
        Assert.True(git.ExitCode is 0 or 1, git.StandardError.ReadToEnd());
        return git.ExitCode == 0;
    }
}
