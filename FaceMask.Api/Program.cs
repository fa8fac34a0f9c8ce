using System.Text.Json;
using FaceMask.Api.Endpoints;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.Features;
using Prometheus;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();

// Body limits: Kestrel refuses larger bodies (413); the whole upload is buffered in memory, so no temp files.
var uploads = builder.Configuration.GetSection(UploadOptions.Section).Get<UploadOptions>() ?? new UploadOptions();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = uploads.MaxRequestBytes);
builder.Services.Configure<FormOptions>(form =>
{
    form.MultipartBodyLengthLimit = uploads.MaxRequestBytes;
    form.MemoryBufferThreshold = (int)Math.Min(int.MaxValue, uploads.MaxRequestBytes);
});

builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
builder.Services.AddOpenApi();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ContentPaths>();
builder.Services.AddSingleton<ServiceMetrics>();
builder.Services.AddSingleton<ModelHost>();
builder.Services.AddSingleton<PredictionBatcher>();
builder.Services.AddHostedService(services => services.GetRequiredService<PredictionBatcher>());
builder.Services.AddHostedService<ModelLoader>();
builder.Services.AddSingleton<ImageUpload>();
builder.Services.AddValidatorsFromAssemblyContaining<UploadedImageValidator>(ServiceLifetime.Singleton);
builder.Services.AddHealthChecks().AddCheck<ModelReadyCheck>("model", tags: [HealthEndpoints.ReadyTag]);
builder.Services.AddPredictionRateLimiting(builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
var metrics = app.Services.GetRequiredService<ServiceMetrics>();
app.UseHttpMetrics(options => options.SetMetricFactory(metrics.Factory));
app.UseRateLimiter();

app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealthEndpoints();
app.MapPredictionEndpoints();
app.MapModelEndpoints();
app.MapMetrics("/metrics", metrics.Registry);

app.Run();

/// <summary>Entry point, public so integration tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
