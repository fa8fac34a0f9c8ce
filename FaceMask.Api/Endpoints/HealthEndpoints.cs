using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.Api.Endpoints;

/// <summary>Health checks. <c>/api/health</c> keeps the Python service's response shape.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Health");
        group.MapGet("/health", GetHealth).WithName("GetHealth").WithSummary("Service status, compatible with the Python service.");
        return app;
    }

    internal static Ok<HealthResponse> GetHealth(TimeProvider time) =>
        TypedResults.Ok(new HealthResponse("healthy", typeof(HealthEndpoints).Assembly.GetName().Version?.ToString() ?? "0.0.0", time.GetUtcNow()));
}

/// <summary>The health response: <c>status</c> is always present and <c>"healthy"</c> when the process serves requests.</summary>
public sealed record HealthResponse(string Status, string Version, DateTimeOffset Time);
