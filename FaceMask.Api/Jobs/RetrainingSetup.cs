using FaceMask.Api.Datasets;
using FaceMask.Api.Endpoints;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using FaceMask.Api.Security;
using FaceMask.Training.Data;
using Hangfire;

namespace FaceMask.Api.Jobs;

/// <summary>Retraining: datasets and uploads, the reference set, the checks, Hangfire jobs and the registry (PostgreSQL or embedded SQLite), the dashboard.</summary>
public static class RetrainingSetup
{
    public const string DashboardPath = "/hangfire";

    public static IServiceCollection AddRetraining(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RetrainOptions>(RetrainOptions.Section);
        services.AddValidatedOptions<RegistryOptions>(RegistryOptions.Section);
        services.AddValidatedOptions<JobsOptions>(JobsOptions.Section);
        services.AddValidatedOptions<DatasetUploadOptions>(DatasetUploadOptions.Section);
        services.AddSingleton<DatasetStore>();
        services.AddSingleton<LabelledUploadReader>();
        services.AddSingleton<ReferenceSets>();
        services.AddSingleton(new NearDuplicateCache(capacity: 4));
        services.AddSingleton<RetrainPreflight>();
        services.AddSingleton<RetrainService>();
        services.AddTransient<RetrainJobServices>();
        services.AddTransient<RetrainJobs>();
        services.AddJobsAndRegistry(configuration);
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
        app.UnregisterJobFiltersOnStop();
        return app;
    }
}
