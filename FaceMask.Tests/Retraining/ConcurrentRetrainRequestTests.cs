using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Api.Retraining;
using FaceMask.Tests.Api;
using FaceMask.Tests.Support;
using FaceMask.Training.Data;
using FaceMask.Training.Synthetic;
using Microsoft.Extensions.DependencyInjection;

namespace FaceMask.Tests.Retraining;

/// <summary>
/// A retrain request arriving while another is still checking the data (held here through the
/// service's own lock, as a slow check holds it): with files it is refused 409 <c>retrain_running</c>
/// and adds nothing; without files it waits and then joins the retrain that starts.
/// </summary>
public sealed class ConcurrentRetrainRequestTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_with_files_during_another_requests_check_is_409_and_adds_nothing()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite);
        await using var factory = environment.Start();
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);
        var checking = factory.Services.GetRequiredService<RetrainRequestLock>().TryEnter();
        Assert.NotNull(checking);

        var withFiles = await client.PostAsync("/api/retrain", PredictionApiTests.LabelledFace(4), Cancel);
        var waiting = client.PostAsync("/api/retrain", null, Cancel);
        await Task.Delay(300, Cancel);
        var waitedWhileChecking = !waiting.IsCompleted;
        checking.Dispose();
        var withoutFiles = await waiting;

        var problem = await withFiles.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(withFiles.StatusCode == HttpStatusCode.Conflict, problem.ToString());
        Assert.Equal("retrain_running", problem.GetProperty("code").GetString());
        Assert.Contains("nothing was added", problem.GetProperty("detail").GetString());
        Assert.False(Directory.Exists(environment.DatasetNew) && Directory.EnumerateFiles(environment.DatasetNew, "*", SearchOption.AllDirectories).Any());
        Assert.True(waitedWhileChecking, "the request without files did not wait for the check");
        Assert.Equal(HttpStatusCode.Accepted, withoutFiles.StatusCode);
        var started = await withoutFiles.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(started.GetProperty("status_url").GetString() + "/cancel", null, Cancel)).StatusCode); // leave nothing running
    }

    [Fact]
    public async Task The_data_is_grouped_ahead_of_time_so_a_retrain_request_groups_nothing()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite);
        await using var factory = environment.Start();
        using var client = factory.CreateClient();
        var warmer = await StartCheckedAsync(factory, client);
        var groupings = factory.Services.GetRequiredService<FaceMask.Training.Data.NearDuplicateCache>();

        // An upload is grouped in the background too, before anyone asks for a retrain.
        var upload = await client.PostAsync("/api/datasets/new", PredictionApiTests.LabelledFace(40), Cancel);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        await WaitAsync(() => warmer.Completed >= 2, "the check after the upload");
        var before = groupings.Counts;

        var response = await client.PostAsync("/api/retrain", null, Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(before.Misses, groupings.Counts.Misses); // nothing grouped on the request: it answered at once
        Assert.True(groupings.Counts.Hits > before.Hits);
        var started = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(started.GetProperty("status_url").GetString() + "/cancel", null, Cancel)).StatusCode);
    }

    [Fact]
    public async Task The_data_check_reports_what_it_reads_and_what_it_found()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite);
        await using var factory = environment.Start();
        using var client = factory.CreateClient();
        await StartCheckedAsync(factory, client);
        var files = Directory.EnumerateFiles(environment.Dataset, "*.*", SearchOption.AllDirectories).Count();

        var background = await client.GetFromJsonAsync<JsonElement>("/api/retrain/check", Cancel);
        Assert.Equal(0, background.GetProperty("running").GetArrayLength());
        Assert.Equal("Background", background.GetProperty("last").GetProperty("origin").GetString());
        Assert.Equal(files, background.GetProperty("last").GetProperty("images").GetInt32());
        Assert.Equal("ready", background.GetProperty("last").GetProperty("outcome").GetString());

        // A request's own check (here refused: a label no model knows) is the last one then.
        using var unknown = new MultipartFormDataContent { { new StringContent("beard"), "label" } };
        unknown.Add(new ByteArrayContent(TestImages.Face(MaskState.None, 7)), "files", "face.jpg");
        var refused = await client.PostAsync("/api/retrain", unknown, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var request = (await client.GetFromJsonAsync<JsonElement>("/api/retrain/check", Cancel)).GetProperty("last");
        Assert.Equal("Request", request.GetProperty("origin").GetString());
        Assert.Equal("unknown_class", request.GetProperty("outcome").GetString());
        Assert.Equal(files, request.GetProperty("images").GetInt32());
    }

    [Fact]
    public void A_running_check_shows_its_phase_and_how_far_it_has_read()
    {
        var progress = new DataCheckProgress(TimeProvider.System);
        using (var check = progress.Begin(DataCheckOrigin.Request))
        {
            check.ReadingImages(7600);
            check.Counter.Report(1216);
            var reading = Assert.Single(progress.Status().Running);
            Assert.Equal((DataCheckOrigin.Request, DataCheckProgress.ReadingPhase, 1216, 7600), (reading.Origin, reading.Phase, reading.Done, reading.Total));

            check.Grouping();
            Assert.Equal((DataCheckProgress.GroupingPhase, 0), (progress.Status().Running[0].Phase, progress.Status().Running[0].Total));
            check.GroupingCounter.Report(new GroupingProgress(GroupingPhase.Comparing, 3200, 7600));
            var grouping = progress.Status().Running[0];
            Assert.Equal(("Grouping near-duplicates: comparing images", 3200, 7600), (grouping.Phase, grouping.Done, grouping.Total));
            check.Finish("unsplittable");
        }

        var status = progress.Status();
        Assert.Empty(status.Running);
        Assert.Equal((DataCheckOrigin.Request, 7600, "unsplittable"), (status.Last!.Origin, status.Last.Images, status.Last.Outcome));
    }

    /// <summary>Waits for the service to be ready and its first background data check to end.</summary>
    private static async Task<DataCheckWarmer> StartCheckedAsync(ApiFactory factory, HttpClient client)
    {
        await factory.WaitUntilReadyAsync(client);
        var warmer = factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<DataCheckWarmer>().Single();
        await WaitAsync(() => warmer.Completed >= 1, "the check on start");
        return warmer;
    }

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        for (var attempt = 0; attempt < 300 && !done(); attempt++)
        {
            await Task.Delay(100, Cancel);
        }

        Assert.True(done(), $"{what} did not finish within 30 s");
    }
}
