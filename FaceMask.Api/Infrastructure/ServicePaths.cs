using Microsoft.Extensions.Options;

namespace FaceMask.Api.Infrastructure;

/// <summary>
/// Every folder the service uses, resolved once and the same way: a relative path is looked up from
/// the content root and then its parents, and the nearest that has it wins (the repository's
/// top-level folders when run with <c>dotnet run --project FaceMask.Api</c>); where none has it, it
/// is taken below the content root.
/// </summary>
public sealed class ServicePaths(IHostEnvironment environment, IOptions<PathsOptions> paths)
{
    public string Dataset { get; } = Resolve(environment, paths.Value.Dataset);

    public string DatasetNew { get; } = Resolve(environment, paths.Value.DatasetNew);

    public string DatasetSplit { get; } = Resolve(environment, paths.Value.DatasetSplit);

    public string Models { get; } = Resolve(environment, paths.Value.Models);

    public string ReferenceSet { get; } = Resolve(environment, paths.Value.ReferenceSet);

    public string FaceDetector { get; } = Resolve(environment, paths.Value.FaceDetector);

    /// <summary>Never the hand-made <see cref="DatasetSplit"/> itself: a retrain writes only below this.</summary>
    public string RetrainSplits { get; } = paths.Value.RetrainSplits is { Length: > 0 } configured
        ? Resolve(environment, configured)
        : Path.Combine(Resolve(environment, paths.Value.DatasetSplit), "retrains");

    /// <summary>The split a retrain toward <paramref name="version"/> writes and reads.</summary>
    public string RetrainSplit(string version) => Path.Combine(RetrainSplits, version);

    /// <summary>Any other configured path (<c>Model:Path</c>, <c>Jobs:SqliteDirectory</c>), resolved the same way.</summary>
    public string Resolve(string path) => Resolve(environment, path);

    private static string Resolve(IHostEnvironment environment, string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        for (var directory = new DirectoryInfo(environment.ContentRootPath); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, path);
            if (Path.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(environment.ContentRootPath, path);
    }
}
