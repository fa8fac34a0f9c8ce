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
        return services;
    }
}
