using System.Text.Json;
using FaceMask.Api.Datasets;
using FaceMask.Api.Endpoints;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Jobs;
using FaceMask.Api.Registry;
using FaceMask.Api.Security;
using FaceMask.Training.Data;
using FluentValidation;
using Hangfire;
using Microsoft.AspNetCore.Http.Features;
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
var uploads = builder.Configuration.GetSection(UploadOptions.Section).Get<UploadOptions>() ?? new UploadOptions();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = uploads.MaxRequestBytes);
builder.Services.Configure<FormOptions>(form =>
{
    form.MultipartBodyLengthLimit = uploads.MaxRequestBytes;
    form.MemoryBufferThreshold = (int)Math.Min(int.MaxValue, uploads.MaxRequestBytes);
});

builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
});
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
builder.Services.AddOpenApi();
builder.Services.AddDataProtection();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ContentPaths>();
builder.Services.AddSingleton<ResolvedPaths>();
builder.Services.AddSingleton<ServiceMetrics>();

// Serving: the model host, micro-batching, and the watcher that keeps this replica on the registry's active model.
builder.Services.AddSingleton<ModelHost>();
builder.Services.AddSingleton<PredictionBatcher>();
builder.Services.AddHostedService(services => services.GetRequiredService<PredictionBatcher>());
builder.Services.AddSingleton<ActiveModelWatcher>();
builder.Services.AddHostedService(services => services.GetRequiredService<ActiveModelWatcher>());
builder.Services.AddSingleton<ImageUpload>();
builder.Services.AddValidatorsFromAssemblyContaining<UploadedImageValidator>(ServiceLifetime.Singleton);
builder.Services.AddHealthChecks().AddCheck<ModelReadyCheck>("model", tags: [HealthEndpoints.ReadyTag]);
builder.Services.AddPredictionRateLimiting(builder.Configuration);

// Retraining: datasets, Hangfire jobs and the registry (PostgreSQL or embedded SQLite), admin access.
builder.Services.AddSingleton<DatasetStore>();
builder.Services.AddSingleton<RetrainService>();
builder.Services.AddSingleton<RetrainPreflight>();
builder.Services.AddSingleton(new NearDuplicateCache(capacity: 4));
builder.Services.AddSingleton<ReferenceSets>();
builder.Services.AddTransient<RetrainJobServices>();
builder.Services.AddTransient<RetrainJobs>();
builder.Services.AddJobsAndRegistry(builder.Configuration, builder.Environment);
builder.Services.AddSingleton<AdminAccess>();
builder.Services.AddSingleton<AdminOnlyFilter>();
builder.Services.AddSingleton<AdminDashboardFilter>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
var metrics = app.Services.GetRequiredService<ServiceMetrics>();
app.UseHttpMetrics(options => options.SetMetricFactory(metrics.Factory));
app.UseRateLimiter();
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
