using FaceMask.Api.Datasets;
using FaceMask.Api.Registry;
using FaceMask.Api.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.Api.Web.Pages;

/// <summary>Add labelled images, start a retrain and watch it to its decision (admin); everyone sees the list.</summary>
public sealed class RetrainModel(IModelRegistry registry, DatasetStore store, AdminAccess access) : PageModel
{
    public bool Admin { get; private set; }

    public IReadOnlyList<string> Classes { get; private set; } = [];

    public IReadOnlyList<RetrainRecord> Retrains { get; private set; } = [];

    public void OnGet()
    {
        Admin = access.IsAdmin(HttpContext);
        Classes = store.Classes();
    }

    /// <summary>From the first stage's start to the end (or to now while it runs): "4 min 12 s".</summary>
    public static string Took(RetrainRecord retrain)
    {
        if (retrain.Started is not { } started)
        {
            return "–";
        }

        var seconds = Math.Max(0, (int)Math.Round(((retrain.Finished ?? DateTimeOffset.UtcNow) - started).TotalSeconds)); // rounded as the watch card rounds
        return seconds >= 60 ? $"{seconds / 60} min {seconds % 60} s" : $"{seconds} s";
    }

    /// <summary>The retrains list alone, for htmx to refresh in place.</summary>
    public async Task<IActionResult> OnGetListAsync(CancellationToken cancellationToken)
    {
        Retrains = (await registry.ListRetrainsAsync(cancellationToken)).Take(10).ToList();
        return Partial("_RetrainList", this);
    }
}
