using Prometheus;

namespace FaceMask.Api.Monitoring;

/// <summary>The service's own metrics: Prometheus counters and histograms, per-stage request timing, and the in-memory history the Monitoring page draws.</summary>
public static class MonitoringSetup
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<MetricsHistory>();
        services.AddHostedService(provider => provider.GetRequiredService<MetricsHistory>());
        return services;
    }

    /// <summary>Request counts and latencies per endpoint into the service's own metrics registry.</summary>
    public static WebApplication UseServiceMetrics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<ServiceMetrics>();
        app.UseHttpMetrics(options => options.SetMetricFactory(metrics.Factory));
        return app;
    }

    public static IEndpointRouteBuilder MapServiceMetrics(this IEndpointRouteBuilder app)
    {
        app.MapMetrics(MetricsPath, app.ServiceProvider.GetRequiredService<ServiceMetrics>().Registry);
        return app;
    }
}
