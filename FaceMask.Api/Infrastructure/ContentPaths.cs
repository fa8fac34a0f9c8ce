namespace FaceMask.Api.Infrastructure;

/// <summary>
/// Resolves configured relative paths (models/..., Dataset/...) the way users expect whatever the
/// working directory: from the content root, else from its nearest parent that has them (the
/// repository root when run with <c>dotnet run --project FaceMask.Api</c>).
/// </summary>
public sealed class ContentPaths(IHostEnvironment environment)
{
    public string Resolve(string path)
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
