using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Api;
using FaceMask.Tests.Support;
using FaceMask.Training.Synthetic;
using Microsoft.Extensions.DependencyInjection;

namespace FaceMask.Tests.Retraining;

/// <summary>Retraining through the API on generated faces, with Hangfire and the registry on SQLite and on PostgreSQL.</summary>
[Collection(RetrainCollection.Name)]
public sealed class RetrainTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task A_retrain_trains_evaluates_and_promotes_a_new_version_with_visible_progress(Storage storage)
    {
        await using var environment = ServiceEnvironment.Create(storage);
        await using var factory = environment.Start(new Dictionary<string, string?> { ["Training:Epochs"] = "15" }); // long enough to watch
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);
        Assert.Equal("facemask-v1", (await client.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString());

        var response = await client.PostAsync("/api/retrain", null, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var statusUrl = accepted.GetProperty("status_url").GetString()!;
        Assert.Equal(statusUrl, response.Headers.Location?.ToString());
        var second = await (await client.PostAsync("/api/retrain", null, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(accepted.GetProperty("job_id").GetString(), second.GetProperty("job_id").GetString()); // one retrain at a time
        Assert.True(second.GetProperty("already_running").GetBoolean());

        var statuses = await ServiceEnvironment.WaitForRetrainAsync(client, statusUrl, TimeSpan.FromMinutes(4));

        var final = statuses[^1];
        Assert.Equal("Succeeded", final.GetProperty("state").GetString());
        Assert.Equal("facemask-v2", final.GetProperty("model_version").GetString());
        Assert.StartsWith("promoted", final.GetProperty("decision").GetString());
        Assert.True(final.TryGetProperty("started", out _) && final.TryGetProperty("finished", out _));
        var stages = statuses.Select(s => s.GetProperty("stage").GetString()).Distinct().ToList();
        Assert.Contains("train", stages);
        Assert.Contains(statuses, s => s.GetProperty("stage").GetString() == "train" && s.GetProperty("progress").TryGetProperty("epoch", out var epoch) && epoch.ValueKind == JsonValueKind.Number);
        Assert.True(final.GetProperty("progress").GetProperty("candidate_macro_f1").GetDouble() > final.GetProperty("progress").GetProperty("active_macro_f1").GetDouble());

        // The new version is registered, active, and served.
        var models = await client.GetFromJsonAsync<JsonElement>("/api/models", Cancel);
        Assert.Equal(["Retired", "Active"], models.EnumerateArray().Select(m => m.GetProperty("state").GetString()));
        var v2 = await client.GetFromJsonAsync<JsonElement>("/api/models/facemask-v2", Cancel);
        Assert.Equal("facemask-v1", v2.GetProperty("parent_version").GetString() ?? "facemask-v1");
        await WaitForServedVersionAsync(client, "facemask-v2");
        Assert.True(File.Exists(Path.Combine(environment.Models, "facemask-v2", "model.h5")));

        // The Hangfire dashboard's history shows the four stages.
        var succeeded = await client.GetStringAsync("/hangfire/jobs/succeeded", Cancel);
        var id = accepted.GetProperty("job_id").GetString()!;
        foreach (var stage in new[] { "split", "train", "evaluate", "promote" })
        {
            Assert.Contains($"Retrain {id}: {stage}", succeeded);
        }
    }

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task A_worse_model_stays_a_candidate_and_rollback_and_activation_switch_every_replica(Storage storage)
    {
        await using var environment = ServiceEnvironment.Create(storage);
        await using var replicaA = environment.Start();
        await using var replicaB = environment.Start();
        using var clientA = replicaA.CreateClient();
        using var clientB = replicaB.CreateClient();
        await replicaA.WaitUntilReadyAsync(clientA);
        await replicaB.WaitUntilReadyAsync(clientB);

        // A good model first...
        var good = (await ServiceEnvironment.WaitForRetrainAsync(clientA, await StartRetrainAsync(clientA), TimeSpan.FromMinutes(4)))[^1];
        Assert.True(good.GetProperty("decision").GetString()?.StartsWith("promoted", StringComparison.Ordinal), $"{good}\n{replicaA.Log.Text}");
        await WaitForServedVersionAsync(clientB, "facemask-v2"); // the other replica follows the registry

        // ...then a retrain that cannot beat it by the margin an operator now demands: it must not
        // replace it. Replicas share their configuration (any of them may run a job), so both restart.
        await replicaA.DisposeAsync();
        await replicaB.DisposeAsync();
        var demanding = new Dictionary<string, string?> { ["Training:PromotionMargin"] = "-0.5", ["Training:Epochs"] = "1" };
        await using var weak = environment.Start(demanding);
        await using var follower = environment.Start(demanding);
        using var weakClient = weak.CreateClient();
        using var followerClient = follower.CreateClient();
        await weak.WaitUntilReadyAsync(weakClient);
        await follower.WaitUntilReadyAsync(followerClient);
        var bad = await StartRetrainAsync(weakClient);
        var final = (await ServiceEnvironment.WaitForRetrainAsync(weakClient, bad, TimeSpan.FromMinutes(4)))[^1];
        Assert.True(final.GetProperty("state").GetString() == "Succeeded", $"{final}\n{weak.Log.Text}\n{follower.Log.Text}");
        Assert.StartsWith("kept as candidate", final.GetProperty("decision").GetString());
        var v3 = await weakClient.GetFromJsonAsync<JsonElement>("/api/models/facemask-v3", Cancel);
        Assert.Equal("Candidate", v3.GetProperty("state").GetString());
        Assert.StartsWith("kept as candidate", v3.GetProperty("reason").GetString());
        Assert.Equal("facemask-v2", (await weakClient.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString());

        // Rollback to v1 through one replica; both serve it.
        var rollback = await weakClient.PostAsync("/api/models/facemask-v1/activate", null, Cancel);
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        Assert.Equal("facemask-v1", (await weakClient.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString());
        await WaitForServedVersionAsync(followerClient, "facemask-v1");

        // Manual promotion of the candidate, and refusals.
        Assert.Equal(HttpStatusCode.OK, (await weakClient.PostAsync("/api/models/facemask-v3/activate", null, Cancel)).StatusCode);
        await WaitForServedVersionAsync(followerClient, "facemask-v3");
        await PredictionApiTests.AssertProblem(await weakClient.PostAsync("/api/models/facemask-v9/activate", null, Cancel), HttpStatusCode.NotFound, "facemask-v9");
    }

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task A_retrain_interrupted_by_a_restart_is_retried_and_finishes(Storage storage)
    {
        await using var environment = ServiceEnvironment.Create(storage);
        var slow = new Dictionary<string, string?> { ["Training:Epochs"] = "40", ["Training:Patience"] = "40" };
        string statusUrl;
        var first = environment.Start(slow);
        try
        {
            using var client = first.CreateClient();
            await first.WaitUntilReadyAsync(client);
            statusUrl = await StartRetrainAsync(client);
            await WaitUntilAsync(async () =>
            {
                var status = await client.GetFromJsonAsync<JsonElement>(statusUrl, Cancel);
                return status.GetProperty("stage").GetString() == "train" && status.GetProperty("progress").TryGetProperty("epoch", out var epoch) && epoch.ValueKind == JsonValueKind.Number;
            }, TimeSpan.FromMinutes(2));
        }
        finally
        {
            await first.DisposeAsync(); // a restart in the middle of training
        }

        Assert.False(Directory.Exists(Path.Combine(environment.Models, "facemask-v2"))); // no half-written model

        await using var second = environment.Start(new Dictionary<string, string?> { ["Training:Epochs"] = "3" });
        using var secondClient = second.CreateClient();
        var final = (await ServiceEnvironment.WaitForRetrainAsync(secondClient, statusUrl, TimeSpan.FromMinutes(4)))[^1];
        Assert.Equal("Succeeded", final.GetProperty("state").GetString());
        Assert.Equal("facemask-v2", final.GetProperty("model_version").GetString());
        Assert.True(File.Exists(Path.Combine(environment.Models, "facemask-v2", "model.h5")));
    }

    [Fact]
    public async Task A_retrain_with_nothing_to_train_on_fails_with_the_reason()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var factory = environment.Start();
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);

        var final = (await ServiceEnvironment.WaitForRetrainAsync(client, await StartRetrainAsync(client), TimeSpan.FromMinutes(2)))[^1];

        Assert.Equal("Failed", final.GetProperty("state").GetString());
        Assert.Contains("split failed", final.GetProperty("error").GetString());
        Assert.Equal("facemask-v1", (await client.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString());
    }

    [Fact]
    public async Task Hot_swaps_under_concurrent_predictions_fail_no_request()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        TestModels.Write(environment.Models, "facemask-v2", inputSize: 48, seed: 2); // a different input size: preprocessing changes too
        await using var factory = environment.Start();
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);
        using (var registerV2 = factory.Services.CreateScope())
        {
            var registry = registerV2.ServiceProvider.GetRequiredService<FaceMask.Api.Registry.IModelRegistry>();
            await registry.UpsertAsync(new FaceMask.Api.Registry.ModelRecord("facemask-v2", Path.Combine(environment.Models, "facemask-v2"),
                FaceMask.Api.Registry.ModelState.Candidate, null, null, null, "facemask-v1", DateTimeOffset.UtcNow, null, "test"), Cancel);
        }

        var image = TestImages.Face(MaskState.Correct, 3);
        using var stop = new CancellationTokenSource();
        var versions = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var load = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await client.PostAsync("/api/predict", PredictionApiTests.Upload("file", image));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    continue;
                }

                versions.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model_version").GetString()!);
            }
        })).ToList();

        for (var swap = 0; swap < 10; swap++)
        {
            var target = swap % 2 == 0 ? "facemask-v2" : "facemask-v1";
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/models/{target}/activate", null, Cancel)).StatusCode);
            await Task.Delay(150, Cancel);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
        Assert.True(versions.Count > 50, $"only {versions.Count} predictions during the swaps");
        Assert.Contains("facemask-v1", versions);
        Assert.Contains("facemask-v2", versions);
    }

    private static async Task<string> StartRetrainAsync(HttpClient client)
    {
        var response = await client.PostAsync("/api/retrain", null, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status_url").GetString()!;
    }

    private static async Task WaitForServedVersionAsync(HttpClient client, string version) =>
        await WaitUntilAsync(async () => (await client.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString() == version, TimeSpan.FromSeconds(20));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {timeout}");
            await Task.Delay(100);
        }
    }
}

/// <summary>Retrains use every core; run them one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RetrainCollection
{
    public const string Name = "Retraining";
}
