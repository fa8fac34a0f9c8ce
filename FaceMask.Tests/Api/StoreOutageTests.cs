using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Support;
using FaceMask.Training.Synthetic;
using Npgsql;

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

        // The service, its Hangfire server included, stops within its shutdown timeout after the
        // outage. It once did not on a loaded CI runner (not seen here); say what it logged if so.
        try
        {
            await factory.DisposeAsync();
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"The service did not stop within its shutdown timeout after the outage ({DateTime.UtcNow:HH:mm:ss.fff}). It logged:\n{factory.Log.Text}", e);
        }
    }

    /// <summary>
    /// A connection cut while it held one of Hangfire's locks leaves the lock's row behind, and nothing
    /// releases it: the job scheduler (which takes its lock several times a second) waits for it
    /// without heeding a stop, so a worker stopped after an outage overran its shutdown timeout (a
    /// flaky end of the test above). Such a lock is taken over after Jobs:LockExpirySeconds.
    /// </summary>
    [Fact]
    public async Task A_lock_whose_holder_lost_its_connection_is_taken_over_after_the_expiry()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Postgres, facesPerClass: 0, initialModel: InitialModel.Trained);
        await using var factory = environment.Start(new Dictionary<string, string?> { ["Jobs:LockExpirySeconds"] = "2" });
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);

        await using var database = new NpgsqlConnection(ServiceEnvironment.PostgresConnectionString);
        await database.OpenAsync(Cancel);
        var table = $"\"{environment.JobsSchema}\".\"lock\"";
        var resource = $"{environment.JobsSchema}:locks:schedulepoller"; // Hangfire.PostgreSql prefixes the schema

        // The row a holder cut off mid-poll leaves; inserted only while the scheduler itself holds no lock.
        await using var leave = new NpgsqlCommand($"INSERT INTO {table} (resource, updatecount, acquired) VALUES (@resource, 0, @now) ON CONFLICT DO NOTHING", database);
        leave.Parameters.AddWithValue("resource", resource);
        leave.Parameters.AddWithValue("now", DateTime.UtcNow);
        while (await leave.ExecuteNonQueryAsync(Cancel) == 0)
        {
            await Task.Delay(20, Cancel);
            leave.Parameters["now"].Value = DateTime.UtcNow;
        }

        await using var held = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE resource = @resource AND acquired = @left", database);
        held.Parameters.AddWithValue("resource", resource);
        held.Parameters.AddWithValue("left", leave.Parameters["now"].Value!);
        for (var waited = TimeSpan.Zero; (long)(await held.ExecuteScalarAsync(Cancel))! > 0; waited += TimeSpan.FromMilliseconds(200))
        {
            Assert.True(waited < TimeSpan.FromSeconds(30), "the scheduler's lock left by a lost holder was still held 30 s later (Jobs:LockExpirySeconds is 2)");
            await Task.Delay(200, Cancel);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/jobs", Cancel)).StatusCode);
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
