using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using FluentValidation;

namespace FaceMask.Api.Inference;

/// <summary>Serving: the model host, micro-batching, the watcher that keeps this replica on the registry's active model, predictions, readiness.</summary>
public static class InferenceSetup
{
    public static IServiceCollection AddInference(this IServiceCollection services)
    {
        services.AddValidatedOptions<ModelOptions>(ModelOptions.Section);
        services.AddValidatedOptions<InferenceOptions>(InferenceOptions.Section);
        services.AddValidatedOptions<UploadOptions>(UploadOptions.Section);
        services.AddSingleton<ModelHost>();
        services.AddSingleton<PredictionBatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<PredictionBatcher>());
        services.AddSingleton<ActiveModelWatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<ActiveModelWatcher>());
        services.AddSingleton<IActiveModelFollower>(provider => provider.GetRequiredService<ActiveModelWatcher>());
        services.AddSingleton<PredictionService>();
        services.AddValidatorsFromAssemblyContaining<ImageUploadValidator>(ServiceLifetime.Singleton);
        services.AddHealthChecks().AddCheck<ModelReadyCheck>("model", tags: [ModelReadyCheck.ReadyTag]);

        // The health-check service logs every Unhealthy answer as an error, so each readiness probe
        // before the model has loaded printed 'fail:' on a normal start. Not ready is a state, and
        // /health/ready says why; the real failures (a model that will not load, an unreachable
        // registry) are logged by ActiveModelWatcher.
        services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.None));
        return services;
    }
}
