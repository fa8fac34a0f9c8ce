namespace FaceMask.Tests.Support;

/// <summary>Where the repository and the shared datasets beside it are, found from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared/datasets/facemask</c> beside the repository, or null when this machine does not have it.</summary>
    public static string? SharedFaceMaskDataset => SharedDataset("facemask");

    /// <summary><c>../shared/datasets/facemask-photos</c> (annotated street photos), or null when this machine does not have it.</summary>
    public static string? SharedFaceMaskPhotos => SharedDataset("facemask-photos");

    private static string? SharedDataset(string name)
    {
        var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets", name));
        return Directory.Exists(path) ? path : null;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FaceMask.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FaceMask.slnx above {AppContext.BaseDirectory}.");
    }
}
