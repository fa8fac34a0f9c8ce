using FaceMask.Api.Inference;
using FaceMask.Api.Monitoring;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.Api.Web.Pages;

/// <summary>Predictions per class and latency over the last minutes, from the service's own metrics.</summary>
public sealed class MonitoringModel(MetricsHistory history, ModelHost host) : PageModel
{
    public IReadOnlyList<MetricsPoint> Points { get; private set; } = [];

    public string? ModelVersion => host.Current?.Metadata.Version;

    public void OnGet() => Points = history.Points;

    /// <summary>The series for the charts (JSON, polled every few seconds).</summary>
    public JsonResult OnGetSeries() => new(history.Points);

    /// <summary>The summary card alone, for htmx to refresh in place.</summary>
    public IActionResult OnGetSummary()
    {
        Points = history.Points;
        return Partial("_MonitoringSummary", this);
    }
}
