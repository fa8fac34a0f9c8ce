using FaceMask.Api.Detection;
using FaceMask.Api.Endpoints;
using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Jobs;
using FaceMask.Api.Security;
using FaceMask.Api.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddSecretFiles();

builder.Services.AddHttpConventions();
builder.Services.AddInference();
builder.Services.AddFaceDetection();
builder.Services.AddPredictionRateLimiting();
builder.Services.AddRetraining(builder.Configuration);
builder.Services.AddAdminAccess();
builder.AddWebPages();

var app = builder.Build();

app.UseRequestStages();
app.UseProblemResponses();
app.UseServiceMetrics();
app.UseRateLimiter();
app.UseJobsDashboard();
app.MapFaceMaskApi();
app.MapWebPages();

app.Run();

/// <summary>Entry point, public so integration tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
