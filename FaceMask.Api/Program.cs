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

// A start-up failure is one clear line and exit code 1, not a stack trace and a crash code a supervisor restarts blindly.
StartupFailure.ExitOnUnhandled();

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

/// <summary>Entry point, public so integration tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
