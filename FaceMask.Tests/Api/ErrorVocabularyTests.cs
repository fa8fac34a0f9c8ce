using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FaceMask.Tests.Api;

/// <summary>
/// Every error answer of the service, whoever produces it (an endpoint, a filter, routing, the
/// rate limiter, Kestrel's limits, an unhandled exception), is a ProblemDetails with a <c>code</c>
/// and a <c>trace_id</c>; and the OpenAPI document describes the upload bodies.
/// </summary>
public sealed class ErrorVocabularyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_error_status_carries_a_code_and_a_trace_id()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var factory = new ThrowingApiFactory(environment, new Dictionary<string, string?>
        {
            ["Admin:ApiKey"] = "secret",
            ["Uploads:MaxRequestBytes"] = "65536",
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:BurstLimit"] = "4", // the four prediction requests below; the fifth is refused
            ["RateLimiting:RequestsPerSecond"] = "0.001", // one token in 1,000 s: no refill between the requests, however slow the machine
        });
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);

        var cases = new (HttpStatusCode Status, string Code, Func<Task<HttpResponseMessage>> Request)[]
        {
            (HttpStatusCode.BadRequest, "missing_file", () => client.PostAsync("/api/predict", new MultipartFormDataContent { { new StringContent("x"), "other" } }, Cancel)),
            (HttpStatusCode.RequestEntityTooLarge, "body_too_large", () => client.PostAsync("/api/predict/batch", PredictionApiTests.Upload("files", new byte[100_000]), Cancel)),
            (HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", () => client.PostAsync("/api/predict/batch", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Cancel)),
            (HttpStatusCode.BadRequest, "unsupported_format", () => client.PostAsync("/api/predict", PredictionApiTests.Upload("file", new byte[10]), Cancel)),
            (HttpStatusCode.TooManyRequests, "rate_limited", () => client.PostAsync("/api/predict", null, Cancel)),
            (HttpStatusCode.Unauthorized, "unauthorized", () => client.PostAsync("/api/retrain", null, Cancel)),
            (HttpStatusCode.NotFound, "not_found", () => client.GetAsync("/api/no-such-route", Cancel)),
            (HttpStatusCode.NotFound, "not_found", () => client.GetAsync("/api/models/facemask-v9", Cancel)),
            (HttpStatusCode.NotFound, "not_found", () => client.GetAsync("/api/jobs/nope", Cancel)),
            (HttpStatusCode.NotFound, "not_found", () => client.GetAsync($"/api/jobs/{Guid.NewGuid()}", Cancel)),
            (HttpStatusCode.MethodNotAllowed, "method_not_allowed", () => client.GetAsync("/api/predict", Cancel)),
            (HttpStatusCode.RequestHeaderFieldsTooLarge, "headers_too_large", () => SendWithHugeHeader(client)),
            (HttpStatusCode.InternalServerError, "internal_error", () => client.GetAsync(ThrowingApiFactory.Path, Cancel)),
        };

        foreach (var (status, code, request) in cases)
        {
            using var response = await request();
            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {body}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{status}: '{response.Content.Headers.ContentType}' {body}");
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
            Assert.StartsWith("00-", problem.RootElement.GetProperty("trace_id").GetString());
            Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
            Assert.True(problem.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 10 }, $"{status} {code}: no detail in {body}");
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_upload_bodies_and_error_answers()
    {
        var document = await OpenApiDocumentAsync();
        var paths = document.GetProperty("paths");

        var predict = paths.GetProperty("/api/predict").GetProperty("post");
        var schema = predict.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal("binary", schema.GetProperty("properties").GetProperty("file").GetProperty("format").GetString());
        Assert.Contains("file", schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var batch = paths.GetProperty("/api/predict/batch").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal("array", batch.GetProperty("properties").GetProperty("files").GetProperty("type").GetString());
        foreach (var upload in new[] { "/api/datasets/new", "/api/retrain", "/api/reference" })
        {
            var fields = paths.GetProperty(upload).GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties");
            Assert.Equal(["files", "label", "dataset", "new_classes"], fields.EnumerateObject().Select(p => p.Name));
            var responses = paths.GetProperty(upload).GetProperty("post").GetProperty("responses");
            foreach (var status in new[] { "401", "403", "413", "415" })
            {
                Assert.True(responses.TryGetProperty(status, out _), $"{upload} does not document {status}");
            }
        }

        Assert.True(predict.GetProperty("responses").TryGetProperty("429", out _));
        foreach (var admin in new[] { "/api/models/{version}/activate", "/api/jobs/{id}/cancel" })
        {
            var responses = paths.GetProperty(admin).GetProperty("post").GetProperty("responses");
            Assert.True(responses.TryGetProperty("401", out _) && responses.TryGetProperty("403", out _), $"{admin} does not document 401 and 403");
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_reads_as_a_menu_and_declares_the_admin_key()
    {
        var document = await OpenApiDocumentAsync();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("AdminApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Route: $"{operation.Name.ToUpperInvariant()} {path.Name}", Operation: operation.Value)))
            .ToList();
        foreach (var (route, operation) in operations)
        {
            var admin = operation.GetProperty("responses").TryGetProperty("403", out _);
            var secured = operation.TryGetProperty("security", out var security)
                && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("AdminApiKey", out _));
            Assert.True(admin == secured, $"{route}: admin {admin}, requires the key {secured}");
            var summary = operation.GetProperty("summary").GetString()!;
            Assert.True(summary.Length <= 45 && !summary.EndsWith('.'), $"{route}: '{summary}' is not a menu entry");
        }

        Assert.Contains(operations, o => o.Route == "POST /api/retrain" && o.Operation.TryGetProperty("security", out _));
        Assert.DoesNotContain(operations, o => o.Route == "POST /api/predict" && o.Operation.TryGetProperty("security", out _));
        Assert.Equal(["Datasets", "Detection", "Health", "Models", "Prediction", "Retraining"],
            operations.SelectMany(o => o.Operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)).Distinct().Order(StringComparer.Ordinal));
    }

    private static async Task<JsonElement> OpenApiDocumentAsync()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var factory = environment.Start();
        using var client = factory.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Cancel);
    }

    private static async Task<HttpResponseMessage> SendWithHugeHeader(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("X-Padding", new string('a', 40 * 1024));
        return await client.SendAsync(request, Cancel);
    }

    /// <summary>The service plus one route that throws, appended after the app's own pipeline, to see what an unhandled exception answers.</summary>
    private sealed class ThrowingApiFactory(ServiceEnvironment environment, IReadOnlyDictionary<string, string?> extra) : IAsyncDisposable
    {
        public const string Path = "/test/throw";

        private readonly ApiFactory inner = environment.Start(extra, services => services.AddTransient<IStartupFilter, ThrowingRoute>());

        public HttpClient CreateClient() => inner.CreateClient();

        public Task WaitUntilReadyAsync(HttpClient client) => inner.WaitUntilReadyAsync(client);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private sealed class ThrowingRoute : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                next(app);
                app.Map(Path, branch => branch.Run(_ => throw new InvalidOperationException("deliberate failure for the test")));
            };
        }
    }
}
