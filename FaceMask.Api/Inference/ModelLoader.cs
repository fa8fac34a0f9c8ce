using FaceMask.Api.Infrastructure;
using FaceMask.Training.Models;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Inference;

/// <summary>
/// Loads the configured model in the background at start-up, so the process is live (and says so)
/// at once and becomes ready when the model is in memory. A model that fails to load is logged and
/// leaves the service unready rather than crashing it.
/// </summary>
public sealed class ModelLoader(
    ModelHost host,
    IOptions<ModelOptions> modelOptions,
    IOptions<InferenceOptions> inferenceOptions,
    ContentPaths paths,
    ServiceMetrics metrics,
    ILogger<ModelLoader> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        var path = paths.Resolve(modelOptions.Value.Path);
        try
        {
            var model = OnnxModel.Load(ModelFolder.Load(path), inferenceOptions.Value.IntraOpThreads);
            host.Activate(model);
            metrics.Serving(model.Metadata.Version);
            logger.LogInformation("Serving model {Version} from {Path}: {Classes}, input {Height}x{Width}",
                model.Metadata.Version, path, string.Join(", ", model.Classes), model.Preprocessing.Height, model.Preprocessing.Width);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            logger.LogError(e, "Could not load the model at {Path}; the service stays unready", path);
        }
    }, stoppingToken);
}
