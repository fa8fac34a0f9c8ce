using FaceMask.Api.Inference;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FaceMask.Api.Health;

/// <summary><c>/api/health</c> (Python-compatible), <c>/health/live</c> (the process runs), <c>/health/ready</c> (a model is loaded).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("Health")
            .MapGet("/health", GetHealth)
            .WithName("GetHealth")
            .WithSummary("Service health")
            .WithDescription("Service status, compatible with the Python service.");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ModelReadyCheck.ReadyTag), ResponseWriter = WriteReadinessAsync });
        return app;
    }

    /// <summary>Readiness as JSON: its status and each check's, with why it is not ready (a bare "Unhealthy" tells an operator nothing).</summary>
    private static Task WriteReadinessAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new ReadinessResponse(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new ReadinessCheck(e.Value.Status.ToString(), e.Value.Description))));

    internal static Ok<HealthResponse> GetHealth(ModelHost host, TimeProvider time)
    {
        var model = host.Current;
        return TypedResults.Ok(new HealthResponse(
            "healthy", model is not null, model?.Metadata.Version, typeof(HealthEndpoints).Assembly.GetName().Version?.ToString() ?? "0.0.0", time.GetUtcNow()));
    }
}
