using FaceMask.Api.Datasets;
using FaceMask.Api.Detection;
using FaceMask.Api.Errors;
using FaceMask.Api.Health;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.ModelUploads;
using FaceMask.Api.Monitoring;
using FaceMask.Api.Registry;
using FaceMask.Api.Retraining;
using FaceMask.Api.Retraining.Reference;
using FaceMask.Api.Security;
using FaceMask.Api.Web;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddSecretFiles();

    builder.Services.AddHttpConventions();
    builder.Services.AddForwardedClients();
    builder.Services.AddMonitoring();
    builder.Services.AddInference();
    builder.Services.AddFaceDetection();
    builder.Services.AddPredictionRateLimiting();
    builder.Services.AddDatasets();
    builder.Services.AddRetraining(builder.Configuration);
    builder.Services.AddModelUploads();
    builder.Services.AddAdminAccess();
    builder.AddWebPages();

    var app = builder.Build();

    app.UseForwardedClients();
    app.UseRequestStages();
    app.UseProblemResponses();
    app.UseServiceMetrics();
    app.UseRateLimiter();
    app.UseJobsDashboard();

    app.MapApiReference();
    app.MapHealthEndpoints();
    app.MapPredictionEndpoints();
    app.MapDetectionEndpoints();
    app.MapModelEndpoints();
    app.MapRegistryEndpoints();
    app.MapModelUploadEndpoints();
    app.MapDatasetEndpoints();
    app.MapRetrainEndpoints();
    app.MapReferenceEndpoints();
    app.MapSignInRoutes(RetrainingSetup.DashboardPath);
    app.MapServiceMetrics();
    app.MapWebPages();

    app.Run();
    return 0;
}
catch (Exception failure) when (failure is not HostAbortedException)
{
    // One clear line and an ordinary exit code, not a stack trace and a crash code a supervisor restarts blindly.
    Console.Error.WriteLine(StartupFailure.Describe(failure));
    return 1;
}

/// <summary>Entry point, public so integration tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
