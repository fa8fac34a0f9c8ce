using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Support;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Retraining;

/// <summary><c>POST /api/models</c>: a Keras model trained elsewhere, checked, judged on the reference set like a retrain candidate, and only activated by an operator.</summary>
[Collection(RetrainCollection.Name)]
public sealed class ModelUploadTests
{
    private const string MaskClasses = "mask_weared_incorrect,with_mask,without_mask";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Fixture(string name) => Path.Combine(KerasFixture.Directory, name);

    private static string GoodModel => Path.Combine(RepositoryPaths.Root, "FaceMask.Tests", "Fixtures", "Models", "synthetic-good", "model.h5");

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task An_uploaded_model_is_judged_on_the_reference_set_served_only_once_activated_and_rolled_back(Storage storage)
    {
        // The served model names every face wrongly, so a good upload is better on the reference set (a tie would keep the served model).
        await using var environment = ServiceEnvironment.Create(storage, initialModel: InitialModel.Mislabelling);
        await using var factory = environment.Start();
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/reference", RetrainTests.ReferenceZip(perClass: 8, seed: 21), Cancel)).StatusCode);

        // The same network as the active one, trained elsewhere and better: a candidate the gate would promote, not served yet.
        var response = await client.PostAsync("/api/models", Upload(File.ReadAllBytes(GoodModel), ("classes", MaskClasses), ("input_size", "32"), ("version", "partner-v1")), Cancel);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        Assert.Equal("/api/models/partner-v1", response.Headers.Location?.ToString());
        var model = body.GetProperty("model");
        Assert.Equal("Candidate", model.GetProperty("state").GetString());
        Assert.True(body.GetProperty("gate_would_promote").GetBoolean(), body.ToString());
        Assert.StartsWith("uploaded; the gate would promote it (on ref-v1 macro-F1", model.GetProperty("reason").GetString());
        Assert.Equal("ref-v1", body.GetProperty("reference_version").GetString());
        Assert.Equal(["mask_weared_incorrect", "with_mask", "without_mask"], body.GetProperty("reference").GetProperty("per_class").EnumerateObject().Select(p => p.Name));
        Assert.Equal(24, body.GetProperty("reference").GetProperty("count").GetInt32());
        Assert.Contains(body.GetProperty("robustness").GetProperty("rows").EnumerateArray(), r => r.GetProperty("shift").GetString() == "as_is");
        Assert.Equal("ref-v1", model.GetProperty("evaluation").GetProperty("reference_version").GetString());
        Assert.True(File.Exists(Path.Combine(environment.Models, "partner-v1", "model.h5")));
        Assert.Equal("facemask-v1", await ServedVersionAsync(client));

        // An operator activates it: predictions are its; then rolls back.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/models/partner-v1/activate", null, Cancel)).StatusCode);
        Assert.Equal("partner-v1", await ServedVersionAsync(client));
        using (var face = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Face(MaskState.Correct, 3, size: 64)), "file", "face.jpg" } })
        {
            var prediction = await (await client.PostAsync("/api/predict", face, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Equal("partner-v1", prediction.GetProperty("model_version").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/models/facemask-v1/activate", null, Cancel)).StatusCode);
        Assert.Equal("facemask-v1", await ServedVersionAsync(client));

        // A model with other classes (a nested Functional graph, described by a metadata.json part) is registered, "not comparable".
        var metadata = """{"classes": ["masked", "other"], "input_size": [10, 9], "preprocessing": {"color_order": "RGB", "scale": 1, "offset": 0}, "version": "teachable-v1"}""";
        var other = await client.PostAsync("/api/models", Upload(File.ReadAllBytes(Fixture("nested_functional.h5")), metadata: metadata), Cancel);
        var otherBody = await other.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(other.StatusCode == HttpStatusCode.Created, otherBody.ToString());
        Assert.False(otherBody.GetProperty("gate_would_promote").GetBoolean());
        Assert.StartsWith("uploaded; not comparable: its classes (masked, other) differ from facemask-v1's", otherBody.GetProperty("model").GetProperty("reason").GetString());
        Assert.Equal("facemask-v1", await ServedVersionAsync(client));
    }

    [Fact]
    public async Task Each_bad_upload_is_refused_with_its_code_and_leaves_nothing_behind()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, initialModel: InitialModel.Trained);
        // A small limit and small files: a body over the limit is refused before it is read.
        await using var factory = environment.Start(new Dictionary<string, string?> { ["ModelUploads:MaxRequestBytes"] = "60000" });
        using var client = factory.CreateClient();

        // As curl does for large bodies, the client waits for "100 Continue" before sending one, so a
        // body refused by its Content-Length is answered before it is sent: otherwise a loaded runner's
        // client can still be writing it when the server closes, and sees a broken pipe, not the 413.
        client.DefaultRequestHeaders.ExpectContinue = true;
        await factory.WaitUntilReadyAsync(client);
        var good = File.ReadAllBytes(Fixture("nested_functional.h5"));
        (string, string)[] description = [("classes", "masked,bare"), ("input_size", "10x9")];
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/models", Upload(good, [.. description, ("version", "taken")]), Cancel)).StatusCode);
        var before = await client.GetStringAsync("/api/models", Cancel);
        var folders = Directory.GetFileSystemEntries(environment.Models).Order().ToList();

        var refusals = new (HttpContent Upload, HttpStatusCode Status, string Code, string Detail)[]
        {
            (Upload("not a model"u8.ToArray(), description), HttpStatusCode.BadRequest, "not_hdf5", "is not an HDF5 file"),
            (Upload(good[..(good.Length / 2)], description), HttpStatusCode.UnprocessableEntity, "model_invalid", "'model.h5' could not be read as a Keras model; it may be truncated"),
            (Upload(File.ReadAllBytes(Fixture("unknown_layer.h5")), ("classes", "a,b"), ("input_size", "8")), HttpStatusCode.UnprocessableEntity, "model_invalid", "Unsupported Keras layer 'Lambda' (layer 'custom_code')"),
            (Upload(new byte[70_000], description), HttpStatusCode.RequestEntityTooLarge, "body_too_large", "0.1 MB"),
            (Upload(good, ("classes", MaskClasses), ("input_size", "10x9")), HttpStatusCode.UnprocessableEntity, "model_invalid", "names 3 classes"),
            (Upload(good, ("classes", "masked,bare"), ("input_size", "32")), HttpStatusCode.UnprocessableEntity, "model_invalid", "takes input (10, 9, 3)"),
            (Upload(good, ("classes", "masked,bare")), HttpStatusCode.BadRequest, "invalid_description", "input_size"),
            (Upload(good, [.. description, ("color", "CMYK")]), HttpStatusCode.BadRequest, "invalid_description", "CMYK"),
            (Upload(good, [.. description, ("version", "../escape")]), HttpStatusCode.BadRequest, "invalid_description", "'../escape'"),
            (Upload(good, [.. description, ("version", "taken")]), HttpStatusCode.Conflict, "version_taken", "'taken'"),
            (Upload(good, metadata: "{not json"), HttpStatusCode.BadRequest, "invalid_description", ""),
            (new MultipartFormDataContent { { new StringContent(MaskClasses), "classes" } }, HttpStatusCode.BadRequest, "missing_file", "'model'"),
        };

        foreach (var (upload, status, code, detail) in refusals)
        {
            var response = await client.PostAsync("/api/models", upload, Cancel);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.True(response.StatusCode == status, $"{code}: {(int)response.StatusCode} {problem}");
            Assert.Equal(code, problem.GetProperty("code").GetString());
            Assert.Contains(detail, problem.GetProperty("detail").GetString());
            Assert.Equal(before, await client.GetStringAsync("/api/models", Cancel));
            Assert.Equal(folders, Directory.GetFileSystemEntries(environment.Models).Order().ToList());
        }
    }

    private static async Task<string?> ServedVersionAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel)).GetProperty("version").GetString();

    private static MultipartFormDataContent Upload(byte[] h5, params (string Name, string Value)[] fields) => Upload(h5, null, fields);

    private static MultipartFormDataContent Upload(byte[] h5, string? metadata, params (string Name, string Value)[] fields)
    {
        var content = new MultipartFormDataContent { { new ByteArrayContent(h5), "model", "model.h5" } };
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        if (metadata is not null)
        {
            content.Add(new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(metadata)), "metadata", "metadata.json");
        }

        return content;
    }
}
