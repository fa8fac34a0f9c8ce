using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Api.Retraining;
using FaceMask.Tests.Api;
using FaceMask.Tests.Support;
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

        var withFiles = await client.PostAsync("/api/retrain", new MultipartFormDataContent
        {
            { new StringContent("with_mask"), "label" },
            { PredictionApiTests.File(TestImages.Face(MaskState.Correct, 4)), "files", "a.jpg" },
        }, Cancel);
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
}
