using FaceMask.Api.Retraining.Jobs;
using FaceMask.Api.Retraining.Reference;
using FaceMask.Api.Security;
using FaceMask.Training.Data;
using Hangfire;

namespace FaceMask.Api.Retraining;

/// <summary>Retraining: datasets and uploads, the reference set, the checks, Hangfire jobs and the registry (PostgreSQL or embedded SQLite), the dashboard.</summary>
public static class RetrainingSetup
{
    public const string DashboardPath = "/hangfire";

    public static IServiceCollection AddRetraining(this IServiceCollection services, IConfiguration configuration)
    {
        // Retraining:* over the legacy Training:* section: a deployment configured before the rename keeps its settings.
        services.AddOptions<RetrainingOptions>()
            .Configure<IConfiguration>((options, settings) =>
            {
                settings.GetSection(RetrainingOptions.LegacySection).Bind(options);
                settings.GetSection(RetrainingOptions.Section).Bind(options);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ReferenceSets>();
        services.AddSingleton<RetrainCancellations>();
        services.AddSingleton<RetrainFailureFilter>();
        services.AddSingleton(new NearDuplicateCache(capacity: 4));
        services.AddSingleton<RetrainPreflight>();
        services.AddSingleton<DataCheckProgress>();
        services.AddSingleton<RetrainService>();
        services.AddSingleton<RetrainRequestLock>();
        services.AddHostedService<DataCheckWarmer>();
        services.AddTransient<StageRunner>();
        services.AddTransient<SplitStage>();
        services.AddTransient<TrainStage>();
        services.AddTransient<EvaluateStage>();
        services.AddTransient<PromoteStage>();
        services.AddTransient<RetrainJobs>();
        services.AddJobsAndRegistry<RetrainFailureFilter>(configuration, new Dictionary<string, Type> { ["FaceMask.Api.Jobs.RetrainJobs"] = typeof(RetrainJobs) });
        return services;
    }

    /// <summary>The Hangfire dashboard (the job history), admin only, with a sign-in page for browsers.</summary>
    public static WebApplication UseJobsDashboard(this WebApplication app)
    {
        app.UseDashboardSignInRedirect(DashboardPath);
        app.UseHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [app.Services.GetRequiredService<AdminDashboardFilter>()],
            DashboardTitle = "FaceMask jobs",
            AppPath = "/",
        });
        app.UnregisterJobFiltersOnStop<RetrainFailureFilter>();
        return app;
    }
}
