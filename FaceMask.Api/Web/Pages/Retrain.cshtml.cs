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

    /// <summary>The retrains list alone, for htmx to refresh in place.</summary>
    public async Task<IActionResult> OnGetListAsync(CancellationToken cancellationToken)
    {
        Retrains = (await registry.ListRetrainsAsync(cancellationToken)).Take(10).ToList();
        return Partial("_RetrainList", this);
    }
}
