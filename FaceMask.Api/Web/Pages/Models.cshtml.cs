using FaceMask.Api.Registry;
using FaceMask.Api.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.Api.Web.Pages;

/// <summary>The registry: every version, and one version's figures, curves and lineage.</summary>
public sealed class ModelsModel(IModelRegistry registry, AdminAccess access) : PageModel
{
    public IReadOnlyList<ModelRecord> Versions { get; private set; } = [];

    public ModelRecord? Selected { get; private set; }

    public ModelDetails? Details { get; private set; }

    /// <summary>The selected version, its parent, its parent's parent...: where it came from.</summary>
    public IReadOnlyList<ModelRecord> Lineage { get; private set; } = [];

    public bool Admin => access.IsAdmin(HttpContext);

    public async Task<IActionResult> OnGetAsync(string? version, CancellationToken cancellationToken)
    {
        Versions = await registry.ListAsync(cancellationToken);
        if (version is null)
        {
            return Page();
        }

        Selected = Versions.FirstOrDefault(v => v.Version == version);
        if (Selected is null)
        {
            return NotFound();
        }

        Details = ModelDetails.Read(Selected.Path);
        var lineage = new List<ModelRecord> { Selected };
        while (lineage[^1].ParentVersion is { } parent && Versions.FirstOrDefault(v => v.Version == parent) is { } record && !lineage.Contains(record))
        {
            lineage.Add(record);
        }

        Lineage = lineage;
        return Page();
    }

    /// <summary>The versions table alone, for htmx to refresh in place.</summary>
    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Versions = await registry.ListAsync(cancellationToken);
        return Partial("_ModelsTable", this);
    }

    /// <summary>A version's training curves (history.json) as JSON: the retrain page completes its live chart with them.</summary>
    public async Task<IActionResult> OnGetHistoryAsync(string version, CancellationToken cancellationToken) =>
        await registry.GetAsync(version, cancellationToken) is { } record
            ? new JsonResult(ModelDetails.Read(record.Path).History)
            : NotFound();

    /// <summary>The selected version's figures for the charts (the page writes them as a <see cref="JsonIsland"/>).</summary>
    public object ChartData() => new
    {
        Version = Selected?.Version,
        Test = Details?.Test is { } test ? new { test.PerClass, test.ConfusionMatrix } : null,
        Reference = Selected?.Evaluation?.Reference is { } reference ? new { reference.PerClass, reference.ConfusionMatrix } : null,
        History = Details?.History,
    };
}
