using FaceMask.Api.Inference;
using FaceMask.Api.Security;
using Prometheus;
using Scalar.AspNetCore;

namespace FaceMask.Api.Endpoints;

/// <summary>Every route of the service, one group per capability, plus the API explorer and the metrics.</summary>
public static class FaceMaskApi
{
    /// <summary>Request counts and latencies per endpoint into the service's own metrics registry.</summary>
    public static WebApplication UseServiceMetrics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<ServiceMetrics>();
        app.UseHttpMetrics(options => options.SetMetricFactory(metrics.Factory));
        return app;
    }

    public static WebApplication MapFaceMaskApi(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthEndpoints();
        app.MapPredictionEndpoints();
        app.MapDetectionEndpoints();
        app.MapModelEndpoints();
        app.MapRegistryEndpoints();
        app.MapDatasetEndpoints();
        app.MapRetrainEndpoints();
        app.MapReferenceEndpoints();
        app.MapDashboardLogin();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<ServiceMetrics>().Registry);
        return app;
    }
}
