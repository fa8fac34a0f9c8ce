using FaceMask.Api.Infrastructure;
using FaceMask.Api.Monitoring;
using FaceMask.Api.Registry;
using FaceMask.Training.Models;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Inference;

/// <summary>
/// Keeps the served model equal to the registry's active version on this replica. At start it
/// creates the schema and, when the registry is empty, registers the model at <c>Model:Path</c> as
/// the first version and activates it. Then it polls the registry (every replica does, so all
/// follow a promotion or rollback within <see cref="RegistryOptions.PollSeconds"/>) and hot-swaps
/// through <see cref="ModelHost"/>, which lets requests in flight finish on the old model.
/// </summary>
public sealed class ActiveModelWatcher(
    IModelRegistry registry,
    ModelHost host,
    ServicePaths paths,
    ServiceMetrics metrics,
    TimeProvider time,
    IOptions<ModelOptions> modelOptions,
    IOptions<InferenceOptions> inferenceOptions,
    IOptions<RegistryOptions> registryOptions,
    ILogger<ActiveModelWatcher> logger) : BackgroundService, IActiveModelFollower
{
    private readonly SemaphoreSlim refresh = new(0, 1);
    private readonly SemaphoreSlim loading = new(1, 1);
    private string? failedVersion;
    private bool initialModelUnloadable;

    public void RefreshNow()
    {
        try
        {
            refresh.Release();
        }
        catch (SemaphoreFullException)
        {
            // A refresh is already pending.
        }
    }

    public async Task<bool> SynchronizeAsync(CancellationToken cancellationToken)
    {
        await loading.WaitAsync(cancellationToken); // the poll loop and an activation request may ask at once
        try
        {
            return await SynchronizeOnceAsync(cancellationToken);
        }
        finally
        {
            loading.Release();
        }
    }

    private async Task<bool> SynchronizeOnceAsync(CancellationToken cancellationToken)
    {
        var active = await registry.GetActiveAsync(cancellationToken);
        if (active is null || host.Current?.Metadata.Version == active.Version)
        {
            if (active is null && !host.IsReady && !initialModelUnloadable)
            {
                host.WaitingFor("no model version is active in the registry (activate one with POST /api/models/{version}/activate)");
            }

            return active is not null;
        }

        if (failedVersion == active.Version)
        {
            return false; // logged once; wait for another activation
        }

        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            logger.LogInformation("Loading model {Version} from {Path}", active.Version, active.Path);
            var model = await Task.Run(() => OnnxModel.Load(ModelFolder.Load(active.Path), inferenceOptions.Value.IntraOpThreads), cancellationToken);
            host.Activate(model);
            metrics.Serving(active.Version);
            failedVersion = null;
            logger.LogInformation("Serving model {Version} from {Path} (loaded in {Seconds:0.0} s)", active.Version, active.Path, watch.Elapsed.TotalSeconds);
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            failedVersion = active.Version;
            host.WaitingFor($"the active model {active.Version} cannot be loaded from {active.Path}: {e.Message}");
            logger.LogError(e, "Could not load the active model {Version} from {Path}; still serving {Current}", active.Version, active.Path, host.Current?.Metadata.Version ?? "nothing");
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await BootstrapAsync(stoppingToken);
        var interval = TimeSpan.FromSeconds(registryOptions.Value.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SynchronizeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                host.WaitingFor($"the model registry cannot be read ({e.GetBaseException().Message}); retrying");
                logger.LogWarning(e, "Could not read the model registry; retrying");
            }

            try
            {
                await refresh.WaitAsync(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task BootstrapAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await registry.EnsureSchemaAsync(stoppingToken);
                if ((await registry.ListAsync(stoppingToken)).Count == 0)
                {
                    await RegisterInitialModelAsync(stoppingToken);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < 30)
            {
                host.WaitingFor($"the model registry cannot be reached ({e.GetBaseException().Message}); attempt {attempt} of 30");
                logger.LogWarning(e, "Registry not reachable yet (attempt {Attempt}); retrying", attempt);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task RegisterInitialModelAsync(CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(paths.Resolve(modelOptions.Value.Path)); // Model:Path, registered first when the registry is empty
        ModelFolder folder;
        try
        {
            folder = ModelFolder.Load(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            initialModelUnloadable = true;
            host.WaitingFor($"the registry is empty and the model at {path} (Model:Path) cannot be loaded: {e.Message}");
            logger.LogError(e, "The registry is empty and the model at {Path} cannot be loaded; the service stays unready until a model is activated", path);
            return;
        }

        var metadata = folder.Metadata;
        await registry.UpsertAsync(ModelRecords.For(folder, path, "initial model (Model:Path)"), cancellationToken);
        await registry.ActivateAsync(metadata.Version, "initial model (Model:Path)", time.GetUtcNow(), cancellationToken);
        logger.LogInformation("Registered {Version} from {Path} as the first, active model", metadata.Version, path);
    }
}
