using FaceMask.Api.Datasets;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Security;
using FaceMask.Training.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.StaticFiles;

namespace FaceMask.Api.Web.Pages;

/// <summary>The data: class counts of Dataset/, DatasetNew/ and the split, near-duplicate groups, and (admin) sample images.</summary>
public sealed class DataModel(DatasetStore store, ServicePaths paths, AdminAccess access, DataGroupsCache groups) : PageModel
{
    /// <summary>Sample images shown per class.</summary>
    public const int SamplesPerClass = 12;

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public DatasetsResponse Counts { get; private set; } = null!;

    public bool Admin { get; private set; }

    public DatasetStats? Stats { get; private set; }

    public string? StatsError { get; private set; }

    /// <summary>When the groups were counted, and whether this is that earlier count of unchanged files.</summary>
    public DataGroupsCache.Counted? Counted { get; private set; }

    public void OnGet()
    {
        Counts = DatasetEndpoints.GetDatasets(store, paths).Value!;
        Admin = access.IsAdmin(HttpContext);
    }

    public object ChartData() => Counts;

    /// <summary>Near-duplicate groups of Dataset/ and DatasetNew/ (a scan of every image: seconds to a minute, remembered until the files change), as a partial for htmx.</summary>
    public async Task<IActionResult> OnGetGroupsAsync(CancellationToken cancellationToken)
    {
        var roots = new[] { paths.Dataset, paths.DatasetNew }.Where(Directory.Exists).ToList();
        if (roots.Count == 0)
        {
            StatsError = "Neither Dataset/ nor DatasetNew/ exists yet.";
            return Partial("_DataGroups", this);
        }

        try
        {
            Admin = access.IsAdmin(HttpContext);
            Counted = await groups.GetAsync(roots, cancellationToken);
            Stats = Counted.Stats;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            StatsError = $"The data could not be read: {e.Message}";
        }

        return Partial("_DataGroups", this);
    }

    /// <summary>The <paramref name="index"/>-th image (in name order) of a class of Dataset/: admins only, since they are people's faces.</summary>
    public IActionResult OnGetSample(string className, int index)
    {
        if (!access.IsAdmin(HttpContext))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!store.Classes().Contains(className) || Samples(className).ElementAtOrDefault(index) is not { } file)
        {
            return NotFound();
        }

        return PhysicalFile(file, ImageType(file)!);
    }

    /// <summary>An image of a cross-class group (<paramref name="folder"/> "Dataset" or "DatasetNew", a path inside it): admins only.</summary>
    public IActionResult OnGetGroupImage(string folder, string path)
    {
        if (!access.IsAdmin(HttpContext))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var root = folder switch { "Dataset" => paths.Dataset, "DatasetNew" => paths.DatasetNew, _ => null };
        if (root is null || string.IsNullOrEmpty(path))
        {
            return NotFound();
        }

        var file = Path.GetFullPath(Path.Combine(root, path));
        var inside = file.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return inside && System.IO.File.Exists(file) && ImageType(file) is { } type ? PhysicalFile(file, type) : NotFound();
    }

    /// <summary>The folder name a group member's source is known by on this page.</summary>
    public string FolderOf(string source) => Path.GetFullPath(source) == Path.GetFullPath(paths.Dataset) ? "Dataset" : "DatasetNew";

    /// <summary>The first sample files of a class, in name order.</summary>
    public IEnumerable<string> Samples(string className)
    {
        var folder = Path.Combine(paths.Dataset, className);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Where(f => ImageType(f) is not null).Order(StringComparer.Ordinal).Take(SamplesPerClass)
            : [];
    }

    private static string? ImageType(string file) =>
        ContentTypes.TryGetContentType(file, out var type) && type.StartsWith("image/", StringComparison.Ordinal) ? type : null;
}
