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
        // The active model names every face wrongly; fine-tuning it on good data must beat it on
        // every class of the reference set, so the gate promotes.
        await using var environment = ServiceEnvironment.Create(storage, initialModel: InitialModel.Mislabelling);
        await using var factory = environment.Start(new Dictionary<string, string?> { ["Retraining:Epochs"] = "10", ["Retraining:FineTune"] = "true" });
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
        Assert.Equal("promoted", final.GetProperty("outcome").GetString());
        Assert.Equal("facemask-v2", final.GetProperty("model_version").GetString());
        Assert.StartsWith("promoted", final.GetProperty("decision").GetString());
        Assert.Empty(final.GetProperty("retries").EnumerateArray());
        Assert.True(final.GetProperty("started").GetDateTimeOffset() >= final.GetProperty("created").GetDateTimeOffset()); // started: when the first stage began
        Assert.True(final.GetProperty("finished").GetDateTimeOffset() >= final.GetProperty("started").GetDateTimeOffset());
        var stages = statuses.Select(s => s.GetProperty("stage").GetString()).Distinct().ToList();
        Assert.Contains("train", stages);
        Assert.Contains(statuses, s => s.GetProperty("stage").GetString() == "train" && s.GetProperty("progress").TryGetProperty("epoch", out var epoch) && epoch.ValueKind == JsonValueKind.Number);
        var progress = final.GetProperty("progress");
        Assert.True(progress.GetProperty("candidate_macro_f1").GetDouble() > progress.GetProperty("active_macro_f1").GetDouble(), final.ToString());

        // Both models' figures, per class, on the reference set and on the new test split.
        var comparison = progress.GetProperty("comparison");
        Assert.Equal("ref-v1", comparison.GetProperty("reference_version").GetString());
        foreach (var model in new[] { "candidate", "active" })
        {
            foreach (var set in new[] { "reference", "test_split" })
            {
                var perClass = comparison.GetProperty(model).GetProperty(set).GetProperty("per_class");
                Assert.Equal(["mask_weared_incorrect", "with_mask", "without_mask"], perClass.EnumerateObject().Select(p => p.Name));
                Assert.All(perClass.EnumerateObject(), p => Assert.True(p.Value.GetProperty("support").GetInt32() > 0));
            }
        }

        // ...and under every robustness shift of the reference set, the worst row named in the decision.
        foreach (var model in new[] { "candidate", "active" })
        {
            var robustness = comparison.GetProperty(model).GetProperty("reference_robustness");
            var rows = robustness.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal("as_is", rows[0].GetProperty("shift").GetString());
            Assert.True(rows.Count > 5, robustness.ToString());
            Assert.Contains(rows, r => r.GetProperty("shift").GetString() == robustness.GetProperty("worst").GetString());
        }

        Assert.Contains("worst robustness row", final.GetProperty("decision").GetString());
        Assert.True(comparison.GetProperty("decision").GetProperty("promote").GetBoolean());

        // The new version is registered, active, and served; the registry shows both models' figures on the reference set.
        var models = await client.GetFromJsonAsync<JsonElement>("/api/models", Cancel);
        Assert.Equal(["Retired", "Active"], models.EnumerateArray().Select(m => m.GetProperty("state").GetString()));
        Assert.All(models.EnumerateArray(), m => Assert.Equal("ref-v1", m.GetProperty("evaluation").GetProperty("reference_version").GetString()));
        var v2 = await client.GetFromJsonAsync<JsonElement>("/api/models/facemask-v2", Cancel);
        Assert.Equal("facemask-v1", v2.GetProperty("parent_version").GetString());
        Assert.Equal(3, v2.GetProperty("evaluation").GetProperty("reference").GetProperty("per_class").EnumerateObject().Count());
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
    public async Task A_worse_model_stays_a_candidate_with_a_per_class_reason_and_activation_and_rollback_switch_every_replica(Storage storage)
    {
        await using var environment = ServiceEnvironment.Create(storage, initialModel: InitialModel.Trained);
        var settings = new Dictionary<string, string?> { ["Retraining:FineTune"] = "true", ["Retraining:Epochs"] = "6" };
        await using var replicaA = environment.Start(settings);
        await using var replicaB = environment.Start(settings);
        using var clientA = replicaA.CreateClient();
        using var clientB = replicaB.CreateClient();
        await replicaA.WaitUntilReadyAsync(clientA);
        await replicaB.WaitUntilReadyAsync(clientB);

        // The reference set first, by an operator, from correctly labelled faces...
        var reference = await clientA.PostAsync("/api/reference", ReferenceZip(perClass: 12, seed: 11), Cancel);
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal("ref-v1", (await reference.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("version").GetProperty("name").GetString());

        // ...then data whose with_mask and without_mask labels are swapped for half the faces.
        SwapHalf(Path.Combine(environment.Dataset, "with_mask"), Path.Combine(environment.Dataset, "without_mask"));
        var final = (await ServiceEnvironment.WaitForRetrainAsync(clientA, await StartRetrainAsync(clientA), TimeSpan.FromMinutes(4)))[^1];

        Assert.True(final.GetProperty("state").GetString() == "Succeeded", $"{final}\n{replicaA.Log.Text}\n{replicaB.Log.Text}");
        var decision = final.GetProperty("decision").GetString()!;
        Assert.Equal("kept_as_candidate", final.GetProperty("outcome").GetString());
        Assert.StartsWith("kept as candidate", decision);
        Assert.Matches(@"recall of (with_mask|without_mask) on ref-v1 [0-9.]+ vs facemask-v1's [0-9.]+: a drop of", decision);
        var v2 = await clientA.GetFromJsonAsync<JsonElement>("/api/models/facemask-v2", Cancel);
        Assert.Equal("Candidate", v2.GetProperty("state").GetString());
        Assert.Equal(decision, v2.GetProperty("reason").GetString());
        Assert.Equal("facemask-v1", (await clientA.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString());
        Assert.Equal("facemask-v1", (await clientB.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString());

        // An operator may still activate it on purpose, through one replica; both serve it; then roll back.
        Assert.Equal(HttpStatusCode.OK, (await clientA.PostAsync("/api/models/facemask-v2/activate", null, Cancel)).StatusCode);
        Assert.Equal("facemask-v2", (await clientA.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString());
        await WaitForServedVersionAsync(clientB, "facemask-v2");
        Assert.Equal(HttpStatusCode.OK, (await clientB.PostAsync("/api/models/facemask-v1/activate", null, Cancel)).StatusCode);
        await WaitForServedVersionAsync(clientA, "facemask-v1");
        await PredictionApiTests.AssertProblem(await clientA.PostAsync("/api/models/facemask-v9/activate", null, Cancel), HttpStatusCode.NotFound, "facemask-v9");
    }

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task A_retrain_interrupted_by_a_restart_is_retried_and_finishes(Storage storage)
    {
        await using var environment = ServiceEnvironment.Create(storage);
        var slow = new Dictionary<string, string?> { ["Retraining:Epochs"] = "40", ["Retraining:Patience"] = "40" };
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

        await using var second = environment.Start(new Dictionary<string, string?> { ["Retraining:Epochs"] = "3" });
        using var secondClient = second.CreateClient();
        var final = (await ServiceEnvironment.WaitForRetrainAsync(secondClient, statusUrl, TimeSpan.FromMinutes(4)))[^1];
        Assert.Equal("Succeeded", final.GetProperty("state").GetString());
        Assert.Equal("facemask-v2", final.GetProperty("model_version").GetString());
        Assert.True(File.Exists(Path.Combine(environment.Models, "facemask-v2", "model.h5")));
    }

    [Fact]
    public async Task A_retrain_never_takes_the_name_of_a_model_folder_already_on_disk()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite);
        TestModels.Write(environment.Models, "facemask-v2", inputSize: 48, seed: 2); // shipped beside the active v1, never registered
        var shipped = File.ReadAllBytes(Path.Combine(environment.Models, "facemask-v2", "model.h5"));
        await using var factory = environment.Start(new Dictionary<string, string?> { ["Retraining:Epochs"] = "2" });
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);

        var statusUrl = await StartRetrainAsync(client);
        Assert.Equal("facemask-v3", (await client.GetFromJsonAsync<JsonElement>(statusUrl, Cancel)).GetProperty("target_version").GetString());
        var final = (await ServiceEnvironment.WaitForRetrainAsync(client, statusUrl, TimeSpan.FromMinutes(4)))[^1];
        Assert.Equal("facemask-v3", final.GetProperty("model_version").GetString());
        Assert.Equal(shipped, File.ReadAllBytes(Path.Combine(environment.Models, "facemask-v2", "model.h5")));
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

    /// <summary>A zip of correctly labelled synthetic faces, <c>&lt;class&gt;/&lt;n&gt;.jpg</c>.</summary>
    internal static MultipartFormDataContent ReferenceZip(int perClass, int seed)
    {
        var entries = Enum.GetValues<MaskState>()
            .SelectMany(state => Enumerable.Range(0, perClass).Select(i => ($"{SyntheticFaces.ClassName(state)}/{i}.jpg", TestImages.Face(state, (seed * 1000) + i, size: 64))))
            .ToArray();
        return new MultipartFormDataContent { { new ByteArrayContent(DatasetUploadTests.Zip(entries)), "dataset", "reference.zip" } };
    }

    /// <summary>Moves every second file of each folder into the other: half of both classes get the wrong label.</summary>
    private static void SwapHalf(string first, string second)
    {
        var fromFirst = Directory.GetFiles(first).Order().Where((_, i) => i % 2 == 0).ToList();
        var fromSecond = Directory.GetFiles(second).Order().Where((_, i) => i % 2 == 0).ToList();
        foreach (var file in fromFirst)
        {
            File.Move(file, Path.Combine(second, "swapped-" + Path.GetFileName(file)));
        }

        foreach (var file in fromSecond)
        {
            File.Move(file, Path.Combine(first, "swapped-" + Path.GetFileName(file)));
        }
    }

    internal static async Task<string> StartRetrainAsync(HttpClient client)
    {
        var response = await client.PostAsync("/api/retrain", null, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("status_url").GetString()!;
    }

    internal static async Task WaitForServedVersionAsync(HttpClient client, string version) =>
        await WaitUntilAsync(async () => (await client.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString() == version, TimeSpan.FromSeconds(20));

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {timeout}\n{describe?.Invoke()}");
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
