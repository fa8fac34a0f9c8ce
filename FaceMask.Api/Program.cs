using System.Text.Json;
using FaceMask.Api.Datasets;
using FaceMask.Api.Endpoints;
using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Jobs;
using FaceMask.Api.Registry;
using FaceMask.Api.Security;
using FaceMask.Training.Data;
using FluentValidation;
using Hangfire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Prometheus;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

AddOptions<ModelOptions>(ModelOptions.Section);
AddOptions<InferenceOptions>(InferenceOptions.Section);
AddOptions<UploadOptions>(UploadOptions.Section);
AddOptions<RateLimitingOptions>(RateLimitingOptions.Section);
AddOptions<PathsOptions>(PathsOptions.Section);
AddOptions<RetrainOptions>(RetrainOptions.Section);
AddOptions<RegistryOptions>(RegistryOptions.Section);
AddOptions<JobsOptions>(JobsOptions.Section);
AddOptions<DatasetUploadOptions>(DatasetUploadOptions.Section);
AddOptions<AdminOptions>(AdminOptions.Section);

// Body limits: Kestrel refuses larger bodies (413); a prediction upload is buffered in memory, so no temp files.
// Header limit: Kestrel's own refusal has no body, so it is set above the one ProblemResponses enforces.
builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<UploadOptions>>((kestrel, uploads) =>
{
    kestrel.Limits.MaxRequestBodySize = uploads.Value.MaxRequestBytes;
    kestrel.Limits.MaxRequestHeadersTotalSize = ProblemResponses.MaxRequestHeadersBytes * 8;
});
builder.Services.AddOptions<FormOptions>().Configure<IOptions<UploadOptions>>((form, uploads) =>
{
    form.MultipartBodyLengthLimit = uploads.Value.MaxRequestBytes;
    form.MemoryBufferThreshold = (int)Math.Min(int.MaxValue, uploads.Value.MaxRequestBytes);
});

builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
});
builder.Services.AddProblemResponses();
builder.Services.AddOpenApi(openApi => openApi.AddOperationTransformer(MultipartBody.DocumentAsync));
builder.Services.AddDataProtection();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ServicePaths>();
builder.Services.AddSingleton<ServiceMetrics>();

// Serving: the model host, micro-batching, and the watcher that keeps this replica on the registry's active model.
builder.Services.AddSingleton<ModelHost>();
builder.Services.AddSingleton<PredictionBatcher>();
builder.Services.AddHostedService(services => services.GetRequiredService<PredictionBatcher>());
builder.Services.AddSingleton<ActiveModelWatcher>();
builder.Services.AddHostedService(services => services.GetRequiredService<ActiveModelWatcher>());
builder.Services.AddSingleton<PredictionService>();
builder.Services.AddSingleton<FormReader>();
builder.Services.AddSingleton<LabelledUploadReader>();
builder.Services.AddValidatorsFromAssemblyContaining<ImageUploadValidator>(ServiceLifetime.Singleton);
builder.Services.AddHealthChecks().AddCheck<ModelReadyCheck>("model", tags: [HealthEndpoints.ReadyTag]);
builder.Services.AddPredictionRateLimiting();

// Retraining: datasets, Hangfire jobs and the registry (PostgreSQL or embedded SQLite), admin access.
builder.Services.AddSingleton<DatasetStore>();
builder.Services.AddSingleton<RetrainService>();
builder.Services.AddSingleton<RetrainPreflight>();
builder.Services.AddSingleton(new NearDuplicateCache(capacity: 4));
builder.Services.AddSingleton<ReferenceSets>();
builder.Services.AddTransient<RetrainJobServices>();
builder.Services.AddTransient<RetrainJobs>();
builder.Services.AddJobsAndRegistry(builder.Configuration);
builder.Services.AddSingleton<AdminAccess>();
builder.Services.AddSingleton<AdminOnlyFilter>();
builder.Services.AddSingleton<AdminDashboardFilter>();

var app = builder.Build();
app.UseProblemResponses();
var metrics = app.Services.GetRequiredService<ServiceMetrics>();
app.UseHttpMetrics(options => options.SetMetricFactory(metrics.Factory));
app.UseRateLimiter();
app.UseDashboardSignInRedirect("/hangfire");
app.UseHangfireDashboard("/hangfire", new DashboardOptions
{
    Authorization = [app.Services.GetRequiredService<AdminDashboardFilter>()],
    DashboardTitle = "FaceMask jobs",
    AppPath = "/",
});
app.UnregisterJobFiltersOnStop();

app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealthEndpoints();
app.MapPredictionEndpoints();
app.MapModelEndpoints();
app.MapRegistryEndpoints();
app.MapDatasetEndpoints();
app.MapRetrainEndpoints();
app.MapReferenceEndpoints();
app.MapDashboardLogin();
app.MapMetrics("/metrics", metrics.Registry);

app.Run();

void AddOptions<TOptions>(string section)
    where TOptions : class =>
    builder.Services.AddOptions<TOptions>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();

/// <summary>Entry point, public so integration tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
