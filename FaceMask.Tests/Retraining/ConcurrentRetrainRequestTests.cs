using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Api.Retraining;
using FaceMask.Tests.Api;
using FaceMask.Tests.Support;
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
        await factory.WaitUntilReadyAsync(client);
        var warmer = factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<DataCheckWarmer>().Single();
        var groupings = factory.Services.GetRequiredService<FaceMask.Training.Data.NearDuplicateCache>();
        await WaitAsync(() => warmer.Completed >= 1, "the check on start");

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

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        for (var attempt = 0; attempt < 300 && !done(); attempt++)
        {
            await Task.Delay(100, Cancel);
        }

        Assert.True(done(), $"{what} did not finish within 30 s");
    }
}
