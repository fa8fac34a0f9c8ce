using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Support;

namespace FaceMask.Tests.Retraining;

/// <summary>
/// The two roles on one PostgreSQL: a serving replica (<c>Jobs:RunRetrains=false</c>, as the image
/// without libtorch runs) accepts a retrain and never runs it; the worker runs every stage; the
/// serving replica then serves what the worker promoted.
/// </summary>
public sealed class ServingAndWorkerRoleTests
{
    // A short retrain and a gate that promotes whatever trains: this is about who runs the stages; the gate has its own tests.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Retraining:Epochs"] = "3",
        ["Retraining:PromotionMargin"] = "1",
        ["Retraining:MaxClassRecallDrop"] = "1",
        ["Retraining:MaxRobustnessDrop"] = "1",
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_serving_replica_enqueues_a_retrain_that_only_the_worker_runs()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Postgres, initialModel: InitialModel.Mislabelling);
        await using var serving = environment.Start(new Dictionary<string, string?>(Settings) { ["Jobs:RunRetrains"] = "false" });
        using var client = serving.CreateClient();
        await serving.WaitUntilReadyAsync(client);

        var accepted = await (await client.PostAsync("/api/retrain", null, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var statusUrl = accepted.GetProperty("status_url").GetString()!;
        await Task.Delay(TimeSpan.FromSeconds(3), Cancel);
        var waiting = await client.GetFromJsonAsync<JsonElement>(statusUrl, Cancel);
        Assert.True(waiting.GetProperty("state").GetString() == "Enqueued", waiting.ToString()); // nothing here runs it

        await using var worker = environment.Start(Settings);
        var statuses = await ServiceEnvironment.WaitForRetrainAsync(client, statusUrl, TimeSpan.FromMinutes(4));

        var final = statuses[^1];
        Assert.True(final.GetProperty("state").GetString() == "Succeeded", final.ToString());
        var promoted = final.GetProperty("model_version").GetString();
        Assert.StartsWith("promoted", final.GetProperty("decision").GetString());
        for (var attempt = 0; attempt < 50 && (await client.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString() != promoted; attempt++)
        {
            await Task.Delay(200, Cancel);
        }

        Assert.Equal(promoted, (await client.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/models", Cancel)).StatusCode);
    }
}
