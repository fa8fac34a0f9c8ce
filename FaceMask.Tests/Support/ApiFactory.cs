using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace FaceMask.Tests.Support;

/// <summary>
/// The service on a real Kestrel server (loopback, free port), configured through settings the way
/// an operator would (Model:Path, Uploads:*, Inference:*, RateLimiting:*).
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private readonly Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services;
    private readonly TempDirectory storage = new();
    private bool disposed;

    /// <param name="settings">Configuration on top of appsettings.json; job and registry storage defaults to a fresh SQLite folder.</param>
    /// <param name="services">Extra service registrations (a test-only startup filter, say).</param>
    public ApiFactory(IReadOnlyDictionary<string, string?> settings, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        this.services = services;
        this.settings = new Dictionary<string, string?> { ["Jobs:SqliteDirectory"] = storage.Path };
        foreach (var (key, value) in settings)
        {
            this.settings[key] = value;
        }

        UseKestrel(0);
        StartServer();
    }

    /// <summary>Stops the service once (a test may stop it itself to see how the stop went).</summary>
    public override async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            storage.Dispose();
        }
    }

    /// <summary>What the service logged at warning level and above.</summary>
    public ErrorLog Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client of the Kestrel server with redirects off and cookies kept.</summary>
    public HttpClient CreateBrowserLikeClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = ClientOptions.BaseAddress };

    /// <summary>Waits until /health/ready says a model is loaded (asking through <paramref name="client"/>, or a client of its own).</summary>
    public async Task WaitUntilReadyAsync(HttpClient? client = null)
    {
        using var own = client is null ? CreateClient() : null;
        client ??= own!;
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The service did not become ready in 30 s.");
    }
}

/// <summary>Small model folders for service tests: untrained weights for the plumbing, a trained one where quality matters.</summary>
public static class TestModels
{
    /// <summary>
    /// Writes the committed synthetic-faces model (Fixtures/Models/synthetic-good, 32x32, about 0.9
    /// accuracy on the environment's faces) as <paramref name="version"/>. <paramref name="mislabelling"/>
    /// rotates its output classes, so it names every face wrongly (each class's recall near 0): a bad
    /// active model that any real training beats.
    /// </summary>
    public static string Trained(string directory, string version, bool mislabelling = false)
    {
        var fixture = ModelFolder.Load(Path.Combine(RepositoryPaths.Root, "FaceMask.Tests", "Fixtures", "Models", "synthetic-good"));
        var model = mislabelling ? RotateOutputs(fixture.Model) : fixture.Model;
        var path = Path.Combine(directory, version);
        ModelFolder.Save(path, model, fixture.Metadata with { Version = version, Created = DateTimeOffset.UtcNow }, fixture.Metrics, overwrite: true);
        return path;
    }

    private static FaceMask.Training.Keras.KerasModel RotateOutputs(FaceMask.Training.Keras.KerasModel model)
    {
        var (name, weights) = model.Weights.Last(w => w.Value.TryGetValue("kernel", out var k) && k.Shape.Length == 2);
        var kernel = weights["kernel"];
        var bias = weights["bias"];
        int inputs = kernel.Shape[0], outputs = kernel.Shape[1];
        var rotatedKernel = new float[kernel.Data.Length];
        var rotatedBias = new float[bias.Data.Length];
        for (var c = 0; c < outputs; c++)
        {
            var to = (c + 1) % outputs;
            rotatedBias[to] = bias.Data[c];
            for (var i = 0; i < inputs; i++)
            {
                rotatedKernel[(i * outputs) + to] = kernel.Data[(i * outputs) + c];
            }
        }

        var all = model.Weights.ToDictionary(w => w.Key, w => w.Value);
        all[name] = new Dictionary<string, FaceMask.Training.Keras.WeightTensor>(weights)
        {
            ["kernel"] = kernel with { Data = rotatedKernel },
            ["bias"] = bias with { Data = rotatedBias },
        };
        return new FaceMask.Training.Keras.KerasModel(model.Spec, all);
    }

    public static string Write(string directory, string version = "test-v1", int inputSize = 32, int seed = 1)
    {
        var spec = Architectures.Create(Architectures.Default, inputSize, 3);
        var model = TrainingPipeline.FreshWeights(spec, seed);
        var metadata = new ModelMetadata(version, ["mask_weared_incorrect", "with_mask", "without_mask"], [inputSize, inputSize],
            new PreprocessingMetadata("RGB", 1f / 255f, 0f), Architectures.Default, spec.Parameters, spec.MegaFlops,
            new MetricsSummary(0, 0, 0), null, null, DateTimeOffset.UtcNow, null);
        var path = Path.Combine(directory, version);
        ModelFolder.Save(path, model, metadata, null, overwrite: true);
        return path;
    }
}
