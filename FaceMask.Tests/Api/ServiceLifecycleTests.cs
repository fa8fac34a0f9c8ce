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
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready", Cancel)).StatusCode);
        var health = await client.GetFromJsonAsync<JsonElement>("/api/health", Cancel);
        Assert.False(health.GetProperty("model_loaded").GetBoolean());
        var prediction = await client.PostAsync("/api/predict", PredictionApiTests.Upload("file", TestImages.Face(MaskState.None, 1)), Cancel);
        await PredictionApiTests.AssertProblem(prediction, HttpStatusCode.ServiceUnavailable, "still loading");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/model/info", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Readiness_turns_on_when_the_model_is_loaded()
    {
        using var directory = new TempDirectory();
        var model = TestModels.Write(directory.Path);
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["Model:Path"] = model });
        using var client = factory.CreateClient();

        await factory.WaitUntilReadyAsync(client);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/predict", PredictionApiTests.Upload("file", TestImages.Face(MaskState.None, 1)), Cancel)).StatusCode);
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
