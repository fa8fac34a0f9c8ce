using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Support;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Api;

/// <summary>
/// The service's PostgreSQL going away under it (through a relay the test cuts): the registry, job
/// and dashboard routes answer 503 <c>store_unavailable</c> with <c>Retry-After</c>, never 500; a
/// retrain request is refused and adds nothing; predictions keep answering; all of it recovers when
/// the database is back.
/// </summary>
public sealed class StoreOutageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_database_outage_is_503_store_unavailable_while_predictions_keep_answering()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Postgres, initialModel: InitialModel.Trained);
        await using var relay = PostgresRelay.Start(ServiceEnvironment.PostgresConnectionString!);
        await using var factory = environment.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = relay.Redirect(ServiceEnvironment.PostgresConnectionString!) + ";Timeout=5",
        });
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/models", Cancel)).StatusCode);

        relay.Cut();

        foreach (var (method, path) in new[] { ("GET", "/api/models"), ("GET", "/api/jobs"), ("GET", "/hangfire"), ("POST", "/api/retrain") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = PredictionApiTests.LabelledFace(4);
            }

            var response = await client.SendAsync(request, Cancel);
            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{method} {path}: {(int)response.StatusCode} {body}");
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("store_unavailable", problem.GetProperty("code").GetString());
            Assert.Contains("cannot be reached", problem.GetProperty("detail").GetString());
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }

        var prediction = await client.PostAsync("/api/predict", PredictionApiTests.Upload("file", TestImages.Face(MaskState.None, 8)), Cancel);
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        Assert.False(Directory.Exists(environment.DatasetNew) && Directory.EnumerateFiles(environment.DatasetNew, "*", SearchOption.AllDirectories).Any(),
            "the refused retrain request added its file to DatasetNew/");

        relay.Restore();
        var models = await RecoveredAsync(client, "/api/models");
        Assert.Equal("facemask-v1", (await models.Content.ReadFromJsonAsync<JsonElement>(Cancel))[0].GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.OK, (await RecoveredAsync(client, "/api/jobs")).StatusCode);
    }

    /// <summary>The first 200 of <paramref name="path"/> once the database is back (a pooled connection may fail once more).</summary>
    private static async Task<HttpResponseMessage> RecoveredAsync(HttpClient client, string path)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var response = await client.GetAsync(path, Cancel);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return response;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(500, Cancel);
        }

        throw new TimeoutException($"{path} did not recover within 30 s of the database coming back.");
    }
}
