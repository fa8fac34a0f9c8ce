using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Api;
using FaceMask.Tests.Support;
using FaceMask.Training.Data;
using FaceMask.Training.Synthetic;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;

namespace FaceMask.Tests.Retraining;

/// <summary>
/// What keeps retraining from ever making the served model worse: refusals before anything is
/// enqueued, a reference set no training run touches, recovery from a killed worker, and cancellation.
/// Real SQLite and PostgreSQL, real Kestrel servers, a real child process killed with SIGKILL.
/// </summary>
[Collection(RetrainCollection.Name)]
public sealed class RetrainSafetyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task Data_that_cannot_train_a_model_is_refused_at_once_and_changes_nothing(Storage storage)
    {
        await using var environment = ServiceEnvironment.Create(storage, facesPerClass: 0); // a fresh checkout: empty Dataset/
        await using var factory = environment.Start();
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);
        var before = Snapshot(environment.Root);

        // One class only (the zip of the first bug report), nothing at all, two images per class, an unknown class.
        await AssertRefusedAsync(client, Zip(("with_mask", 5)), HttpStatusCode.UnprocessableEntity, "missing_class", "'mask_weared_incorrect', 'without_mask'");
        await AssertRefusedAsync(client, null, HttpStatusCode.UnprocessableEntity, "no_data", "hold no images");
        await AssertRefusedAsync(client, Zip(("mask_weared_incorrect", 2), ("with_mask", 2), ("without_mask", 2)), HttpStatusCode.UnprocessableEntity, "too_few_images", "at least 50");
        await AssertRefusedAsync(client, Zip(("with_mask", 60), ("without_mask", 60), ("mask_weared_incorrect", 60), ("scarf", 60)), HttpStatusCode.BadRequest, "unknown_class", "'scarf'");

        // Nothing enqueued, nothing recorded, nothing written, the same model serves.
        Assert.Empty(await client.GetFromJsonAsync<JsonElement[]>("/api/jobs", Cancel) ?? []);
        var monitoring = factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        Assert.Equal(0, monitoring.EnqueuedCount("default") + monitoring.ProcessingCount() + monitoring.SucceededListCount() + monitoring.FailedCount());
        Assert.Equal(before, Snapshot(environment.Root));
        Assert.Equal("facemask-v1", (await client.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString());
    }

    [Fact]
    public async Task A_class_that_is_one_face_many_times_is_refused_because_it_cannot_be_split()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 60);
        var withMask = Path.Combine(environment.Dataset, "with_mask");
        using (var face = SyntheticFaces.Draw(MaskState.Correct, 77, 64))
        {
            foreach (var file in Directory.GetFiles(withMask))
            {
                File.Delete(file);
            }

            for (var i = 0; i < 60; i++)
            {
                using var copy = TestImages.Shifted(i % 2 == 0 ? face : TestImages.Mirrored(face), 0.7 + (i * 0.01), i - 30); // one face, brightness-shifted and mirrored
                TestImages.WriteJpeg(Path.Combine(withMask, $"copy-{i}.jpg"), copy);
            }
        }

        await using var factory = environment.Start();
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);
        var before = Snapshot(environment.Root);

        await AssertRefusedAsync(client, null, HttpStatusCode.UnprocessableEntity, "unsplittable", "with_mask would have no");
        Assert.Equal(before, Snapshot(environment.Root));
        Assert.Null(new ReferenceSet(environment.ReferenceSet).Current()); // not even the reference set was seeded
    }

    [Fact]
    public async Task Reference_images_and_their_copies_never_enter_a_training_split()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, initialModel: InitialModel.Trained);
        await using var factory = environment.Start(new Dictionary<string, string?> { ["Retraining:Epochs"] = "1" });
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);

        // The first retrain seeds the reference set from the test split of Dataset/...
        var first = (await ServiceEnvironment.WaitForRetrainAsync(client, await RetrainTests.StartRetrainAsync(client), TimeSpan.FromMinutes(3)))[^1];
        Assert.Equal("Succeeded", first.GetProperty("state").GetString());
        var reference = new ReferenceSet(environment.ReferenceSet).Current()!;
        Assert.Equal(1, reference.Version);
        Assert.Equal(["mask_weared_incorrect", "with_mask", "without_mask"], reference.Counts.Keys.Order());
        Assert.All(reference.Counts.Values, count => Assert.True(count >= 5, $"{count} reference images in a class"));

        // ...then an operator uploads altered copies of reference images as new training data (as
        // happens when the same photo is collected twice): they must be withheld too.
        var copies = reference.Images.Take(6).Select((image, i) =>
        {
            using var original = Cv2.ImRead(Path.Combine(environment.ReferenceSet, image.File));
            using var altered = i % 2 == 0 ? TestImages.Shifted(original, 0.8, 20) : TestImages.Mirrored(original);
            return (image.Class, Bytes: altered.ImEncode(".jpg"));
        }).ToList();
        foreach (var group in copies.GroupBy(c => c.Class))
        {
            var content = new MultipartFormDataContent { { new StringContent(group.Key), "label" } };
            foreach (var (_, bytes) in group)
            {
                content.Add(new ByteArrayContent(bytes) { Headers = { ContentType = new("image/jpeg") } }, "files", "copy.jpg");
            }

            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/datasets/new", content, Cancel)).StatusCode);
        }

        var second = (await ServiceEnvironment.WaitForRetrainAsync(client, await RetrainTests.StartRetrainAsync(client), TimeSpan.FromMinutes(3)))[^1];
        Assert.Equal("Succeeded", second.GetProperty("state").GetString());

        var referenceHashes = reference.Images.Select(i => i.Sha256).ToHashSet();
        foreach (var version in new[] { "facemask-v2", "facemask-v3" })
        {
            var manifest = SplitManifest.Load(Path.Combine(environment.RetrainSplits, version));
            Assert.DoesNotContain(manifest.Files, f => referenceHashes.Contains(f.Sha256));
            foreach (var part in new[] { "train", "val", "test" })
            {
                var files = Directory.EnumerateFiles(Path.Combine(environment.RetrainSplits, version, part), "*", SearchOption.AllDirectories);
                Assert.DoesNotContain(files, f => referenceHashes.Contains(Path.GetFileNameWithoutExtension(f)));
            }
        }

        var latest = SplitManifest.Load(Path.Combine(environment.RetrainSplits, "facemask-v3"));
        var copyHashes = copies.Select(c => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(c.Bytes))).ToHashSet();
        Assert.DoesNotContain(latest.Files, f => copyHashes.Contains(f.Sha256));
        Assert.Equal(copyHashes.Order(), latest.Withheld!.Select(f => f.Sha256).Where(copyHashes.Contains).Order());

        // A hand-made Dataset_Split/ is never written by a retrain.
        Assert.False(Directory.Exists(Path.Combine(environment.Root, "Dataset_Split", "train")));
    }

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task A_worker_killed_with_SIGKILL_during_training_is_recovered_within_two_minutes(Storage storage)
    {
        await using var environment = ServiceEnvironment.Create(storage);
        var slow = new Dictionary<string, string?> { ["Retraining:Epochs"] = "200", ["Retraining:Patience"] = "200", ["Jobs:StalledAfterSeconds"] = "5" };
        string statusUrl;
        await using (var doomed = environment.StartProcess(slow))
        {
            await doomed.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            statusUrl = await RetrainTests.StartRetrainAsync(doomed.Client);
            var last = default(JsonElement);
            await RetrainTests.WaitUntilAsync(async () => IsTraining(last = await doomed.Client.GetFromJsonAsync<JsonElement>(statusUrl, Cancel)), TimeSpan.FromMinutes(2), () => $"{last}\n{doomed.Output}");
            await doomed.KillAsync();
        }

        // A new replica comes up with a short training configuration; first it reports the truth: stalled.
        await using var survivor = environment.StartProcess(new Dictionary<string, string?> { ["Retraining:Epochs"] = "3", ["Jobs:StalledAfterSeconds"] = "5" });
        await survivor.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        var alive = DateTime.UtcNow;
        await RetrainTests.WaitUntilAsync(async () => (await survivor.Client.GetFromJsonAsync<JsonElement>(statusUrl, Cancel)).GetProperty("health").GetString() == "Stalled", TimeSpan.FromSeconds(30), () => survivor.Output);
        var stalled = await survivor.Client.GetFromJsonAsync<JsonElement>(statusUrl, Cancel);
        Assert.Equal("Processing", stalled.GetProperty("state").GetString());
        Assert.Contains("no heartbeat from the train stage", stalled.GetProperty("note").GetString());

        // Then the stage is picked up again and completes.
        var statuses = await ServiceEnvironment.WaitForRetrainAsync(survivor.Client, statusUrl, TimeSpan.FromMinutes(4));
        var final = statuses[^1];
        var resumed = statuses.First(s => s.GetProperty("stage").GetString() == "train" && s.GetProperty("progress").GetProperty("attempt").GetInt32() == 2);
        Assert.True(DateTime.UtcNow - alive < TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(40), $"resumed and finished {DateTime.UtcNow - alive} after the survivor was up");
        Assert.True(final.GetProperty("state").GetString() == "Succeeded", $"{final}\n{survivor.Output}");
        Assert.Contains("did not finish", resumed.GetProperty("progress").GetProperty("recovery").GetString());
        var retried = Assert.Single(final.GetProperty("retries").EnumerateArray()).GetString(); // the trace survives the end of the retrain
        Assert.StartsWith("train: attempt 2: the previous attempt of this stage did not finish", retried);
        Assert.Equal("facemask-v2", final.GetProperty("model_version").GetString());
        Assert.NotNull(FaceMask.Training.Models.ModelFolder.Load(Path.Combine(environment.Models, "facemask-v2")));
        Assert.Empty(Directory.EnumerateDirectories(environment.Models, ".*")); // no half model left behind
    }

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task Cancelling_during_training_stops_it_within_seconds_and_leaves_the_served_model(Storage storage)
    {
        await using var environment = ServiceEnvironment.Create(storage);
        await using var factory = environment.Start(new Dictionary<string, string?> { ["Retraining:Epochs"] = "200", ["Retraining:Patience"] = "200" });
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);
        var statusUrl = await RetrainTests.StartRetrainAsync(client);
        await RetrainTests.WaitUntilAsync(async () => IsTraining(await client.GetFromJsonAsync<JsonElement>(statusUrl, Cancel)), TimeSpan.FromMinutes(2));

        // Cancelled through another replica than the one training: the stage learns it through the registry.
        await using var other = environment.Start();
        using var otherClient = other.CreateClient();
        await other.WaitUntilReadyAsync(otherClient);
        var cancel = await otherClient.PostAsync(statusUrl + "/cancel", null, Cancel);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("Cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("state").GetString());

        // The stage ends: no more progress, its split and any model folder gone, nothing half-written.
        var split = Path.Combine(environment.RetrainSplits, "facemask-v2");
        await RetrainTests.WaitUntilAsync(() => Task.FromResult(!Directory.Exists(split)), TimeSpan.FromSeconds(10));
        var settled = await client.GetFromJsonAsync<JsonElement>(statusUrl, Cancel);
        await Task.Delay(1500, Cancel);
        var later = await client.GetFromJsonAsync<JsonElement>(statusUrl, Cancel);
        Assert.Equal(settled.GetProperty("progress").ToString(), later.GetProperty("progress").ToString());
        Assert.Equal("Cancelled", later.GetProperty("state").GetString());
        Assert.Equal("Ended", later.GetProperty("health").GetString());
        Assert.False(Directory.Exists(Path.Combine(environment.Models, "facemask-v2")));
        Assert.Empty(Directory.EnumerateDirectories(environment.Models, ".*"));
        Assert.Equal("facemask-v1", (await client.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString());

        // Cancelling again is a conflict; a new retrain can start at once.
        await PredictionApiTests.AssertProblem(await client.PostAsync(statusUrl + "/cancel", null, Cancel), HttpStatusCode.Conflict, "already ended");
        var next = await client.PostAsync("/api/retrain", null, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        var started = await next.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.False(started.GetProperty("already_running").GetBoolean());
        var nextUrl = started.GetProperty("status_url").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(nextUrl + "/cancel", null, Cancel)).StatusCode); // leave nothing running
    }

    private static bool IsTraining(JsonElement status) =>
        status.GetProperty("stage").GetString() == "train" && status.GetProperty("progress").TryGetProperty("epoch", out var epoch) && epoch.ValueKind == JsonValueKind.Number;

    private static async Task AssertRefusedAsync(HttpClient client, MultipartFormDataContent? body, HttpStatusCode status, string code, string detail)
    {
        var response = await client.PostAsync("/api/retrain", body, Cancel);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {problem}");
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    /// <summary>A dataset zip of synthetic faces: <c>(class folder, count)</c> per class.</summary>
    private static MultipartFormDataContent Zip(params (string Class, int Count)[] classes)
    {
        var entries = classes.SelectMany((c, k) => Enumerable.Range(0, c.Count).Select(i =>
        {
            var state = Enum.GetValues<MaskState>().FirstOrDefault(s => SyntheticFaces.ClassName(s) == c.Class, MaskState.None);
            return ($"{c.Class}/{i}.jpg", TestImages.Face(state, 9000 + (k * 1000) + i, size: 64));
        })).ToArray();
        return new MultipartFormDataContent { { new ByteArrayContent(DatasetUploadTests.Zip(entries)), "dataset", "dataset.zip" } };
    }

    /// <summary>Every file and folder below <paramref name="root"/> (but the job and registry databases) with its size.</summary>
    private static string Snapshot(string root) =>
        string.Join('\n', Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}App_Data", StringComparison.Ordinal))
            .Select(p => $"{Path.GetRelativePath(root, p)} {(File.Exists(p) ? new FileInfo(p).Length : -1)}")
            .Order(StringComparer.Ordinal));
}
