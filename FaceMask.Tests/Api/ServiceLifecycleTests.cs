using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Support;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Api;

public class ServiceLifecycleTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_loadable_model_the_service_is_live_but_not_ready()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["Model:Path"] = "/no/such/model" });
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Cancel)).StatusCode);
        var ready = await client.GetAsync("/health/ready", Cancel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var model = (await ready.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("checks").GetProperty("model");
        Assert.Equal("Unhealthy", model.GetProperty("status").GetString());
        Assert.Matches("^No model is served yet: the (service is starting|registry is empty and the model at /no/such/model \\(Model:Path\\) cannot be loaded)", model.GetProperty("description").GetString());
        var health = await client.GetFromJsonAsync<JsonElement>("/api/health", Cancel);
        Assert.False(health.GetProperty("model_loaded").GetBoolean());
        var prediction = await client.PostAsync("/api/predict", PredictionApiTests.Upload("file", TestImages.Face(MaskState.None, 1)), Cancel);
        await PredictionApiTests.AssertProblem(prediction, HttpStatusCode.ServiceUnavailable, "still loading");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/model/info", Cancel)).StatusCode);

        // An orchestrator's probes while no model is served are answered 503 and log no failure (the
        // health-check service would log each as an error): the unloadable model is the only error.
        Assert.DoesNotContain("HealthChecks", factory.Log.Text, StringComparison.Ordinal);
        Assert.Contains("ActiveModelWatcher: The registry is empty and the model at", factory.Log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_up_failure_is_one_clear_line_and_exit_code_1()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var service = environment.StartProcess(new Dictionary<string, string?> { ["Proxies:KnownNetworks:0"] = "the-proxy" });

        var exitCode = await service.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{service.Output}");
        var lines = service.Lines;
        var line = Assert.Single(lines, l => l.StartsWith("facemask: cannot run: ", StringComparison.Ordinal));
        Assert.Contains("Proxies:KnownNetworks: 'the-proxy' is not a network in CIDR form", line);
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal)); // no stack trace
    }

    [Fact]
    public async Task Readiness_turns_on_when_the_model_is_loaded()
    {
        using var directory = new TempDirectory();
        var model = TestModels.Write(directory.Path);
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["Model:Path"] = model });
        using var client = factory.CreateClient();

        await factory.WaitUntilReadyAsync(client);

        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready", Cancel);
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.StartsWith("Serving ", ready.GetProperty("checks").GetProperty("model").GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/predict", PredictionApiTests.Upload("file", TestImages.Face(MaskState.None, 1)), Cancel)).StatusCode);
    }

    /// <summary>
    /// A normal start in a real process, with the console logger, logs no failure while readiness
    /// probes arrive every 50 ms from the moment it listens. Whether one lands while the model loads (a
    /// few tenths of a second) depends on the machine; probes answered 503 logging nothing is shown
    /// for certain by <see cref="Without_a_loadable_model_the_service_is_live_but_not_ready"/>.
    /// </summary>
    [Fact]
    public async Task A_normal_start_logs_no_failure_while_readiness_probes_wait_for_the_model()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var service = environment.StartProcess();

        await ProbeUntilReadyAsync(service);
        await service.WaitForLineAsync("Serving model ", TimeSpan.FromSeconds(30)); // logged just after readiness turns on

        Assert.DoesNotContain(service.Lines, l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal));
    }

    /// <summary>
    /// Probes <c>/health/ready</c> as an orchestrator would, every 50 ms, for as long as a start takes on a
    /// loaded runner (a child process's first start there once took over a minute).
    /// </summary>
    private static async Task ProbeUntilReadyAsync(ServiceProcess service)
    {
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromMinutes(3); await Task.Delay(50, Cancel))
        {
            try
            {
                using var probe = await service.Client.GetAsync("/health/ready", Cancel);
                if (probe.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        throw new TimeoutException($"The service was not ready within 3 minutes:\n{service.Output}");
    }

    [Fact]
    public async Task Rate_limiting_answers_429_as_a_problem()
    {
        using var directory = new TempDirectory();
        var model = TestModels.Write(directory.Path);
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Model:Path"] = model,
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:BurstLimit"] = "3",
            ["RateLimiting:RequestsPerSecond"] = "0.001", // one token in 1,000 s: no refill between the requests, however slow the machine
        });
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);
        var image = TestImages.Face(MaskState.Correct, 1);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await client.PostAsync("/api/predict", PredictionApiTests.Upload("file", image), Cancel)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var limited = await client.PostAsync("/api/predict", PredictionApiTests.Upload("file", image), Cancel);
        await PredictionApiTests.AssertProblem(limited, HttpStatusCode.TooManyRequests, "predictions per second");
        Assert.True(limited.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health", Cancel)).StatusCode); // only predictions are limited
    }
}
