using FaceMask.Training.Models;
using FaceMask.Training.Training;
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
    private readonly TempDirectory storage = new();

    /// <param name="settings">Configuration on top of appsettings.json; job and registry storage defaults to a fresh SQLite folder.</param>
    public ApiFactory(IReadOnlyDictionary<string, string?> settings)
    {
        this.settings = new Dictionary<string, string?> { ["Jobs:SqliteDirectory"] = storage.Path };
        foreach (var (key, value) in settings)
        {
            this.settings[key] = value;
        }

        UseKestrel(0);
        StartServer();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        storage.Dispose();
    }

    /// <summary>What the service logged at warning level and above.</summary>
    public ErrorLog Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client of the Kestrel server with redirects off and cookies kept.</summary>
    public HttpClient CreateBrowserLikeClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = ClientOptions.BaseAddress };

    /// <summary>Waits until /health/ready says a model is loaded.</summary>
    public async Task WaitUntilReadyAsync(HttpClient client)
    {
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

/// <summary>Small model folders for service tests: untrained weights are enough to test the plumbing.</summary>
public static class TestModels
{
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
