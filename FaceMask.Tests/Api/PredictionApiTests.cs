using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Support;
using FaceMask.Training.Imaging;
using FaceMask.Training.Models;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Api;

/// <summary>The prediction service end to end on a real Kestrel server, with a real (untrained) model.</summary>
public sealed class PredictionApiTests : IClassFixture<PredictionApiTests.Service>
{
    private readonly Service service;

    public PredictionApiTests(Service service) => this.service = service;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public sealed class Service : ServedApi
    {
        public string ModelPath => Path.Combine(Directory.Path, "api-test-v1");

        protected override IReadOnlyDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Model:Path"] = TestModels.Write(Directory.Path, "api-test-v1"),
            ["Uploads:MaxRequestBytes"] = (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Uploads:MaxPixels"] = "1000000",
            ["Uploads:MaxBatchFiles"] = "4",
            ["Inference:MaxWaitMilliseconds"] = "5",
            ["Inference:MaxBatchSize"] = "16",
            ["RateLimiting:Enabled"] = "false",
        };
    }

    [Theory]
    [InlineData(ImageFormat.Jpeg, "image/jpeg")]
    [InlineData(ImageFormat.Png, "image/png")]
    [InlineData(ImageFormat.Bmp, "image/bmp")]
    [InlineData(ImageFormat.WebP, "image/webp")]
    public async Task Predict_answers_in_the_python_services_shape_for_every_format(ImageFormat format, string contentType)
    {
        var response = await service.Client.PostAsync("/api/predict", Upload("file", TestImages.Face(MaskState.Correct, 3, format), "face", contentType), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(["prediction", "confidence", "probabilities", "model_version", "uncertain"], body.EnumerateObject().Select(p => p.Name));
        var probabilities = body.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(["mask_weared_incorrect", "with_mask", "without_mask"], probabilities.Keys);
        Assert.Equal(1.0, probabilities.Values.Sum(), 4);
        Assert.Equal(probabilities.MaxBy(p => p.Value).Key, body.GetProperty("prediction").GetString());
        Assert.Equal(probabilities.Values.Max(), body.GetProperty("confidence").GetDouble(), 6);
        Assert.Equal("api-test-v1", body.GetProperty("model_version").GetString());
        Assert.Equal(body.GetProperty("confidence").GetDouble() < 0.8, body.GetProperty("uncertain").GetBoolean()); // Inference:UncertainBelow's default
    }

    [Fact]
    public async Task Concurrent_requests_are_batched_and_each_gets_its_own_answer()
    {
        // Expected outputs computed in-process on the same preprocessing and model, one at a time.
        using var reference = OnnxModel.Load(ModelFolder.Load(service.ModelPath));
        var images = Enumerable.Range(0, 48).Select(i => TestImages.Face((MaskState)(i % 3), 100 + i)).ToList();
        var expected = images.Select(bytes =>
        {
            var input = new float[reference.Preprocessing.InputLength];
            ImagePreprocessor.Preprocess(bytes, reference.Preprocessing, input);
            return reference.Run(input, 1)[0];
        }).ToList();
        var batchesBefore = await MetricValue("facemask_inference_batch_size_count");
        var imagesBefore = await MetricValue("facemask_inference_batch_size_sum");

        var responses = await Task.WhenAll(images.Select(bytes => service.Client.PostAsync("/api/predict", Upload("file", bytes), Cancel)));

        for (var i = 0; i < images.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, responses[i].StatusCode);
            var body = await responses[i].Content.ReadFromJsonAsync<JsonElement>(Cancel);
            var actual = body.GetProperty("probabilities").EnumerateObject().Select(p => (float)p.Value.GetDouble()).ToArray();
            Assert.Equal(expected[i], actual, (a, b) => Math.Abs(a - b) < 1e-5f);
        }

        var batches = await MetricValue("facemask_inference_batch_size_count") - batchesBefore;
        var batched = await MetricValue("facemask_inference_batch_size_sum") - imagesBefore;
        Assert.Equal(images.Count, batched);
        Assert.True(batches < images.Count, $"{images.Count} concurrent requests ran in {batches} batches: no batching happened");
    }

    [Fact]
    public async Task Batch_reports_a_bad_file_alone()
    {
        var content = new MultipartFormDataContent
        {
            { File(TestImages.Face(MaskState.None, 1)), "files", "good1.jpg" },
            { File("definitely not an image"u8.ToArray()), "files", "bad.jpg" },
            { File(TestImages.Face(MaskState.Incorrect, 2, ImageFormat.Png), "image/png"), "files", "good2.png" },
        };

        var response = await service.Client.PostAsync("/api/predict/batch", content, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["good1.jpg", "bad.jpg", "good2.png"], results.Select(r => r.GetProperty("file").GetString()));
        Assert.True(results[0].TryGetProperty("prediction", out _));
        Assert.Equal("The file is not a JPEG, PNG, BMP or WebP image.", results[1].GetProperty("error").GetString());
        Assert.Equal(400, results[1].GetProperty("status").GetInt32());
        Assert.False(results[1].TryGetProperty("prediction", out _));
        Assert.Equal("api-test-v1", results[2].GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task Batch_refuses_more_files_than_configured()
    {
        var content = new MultipartFormDataContent();
        for (var i = 0; i < 5; i++)
        {
            content.Add(File(TestImages.Face(MaskState.None, i, size: 32)), "files", $"f{i}.jpg");
        }

        var response = await service.Client.PostAsync("/api/predict/batch", content, Cancel);

        await AssertProblem(response, HttpStatusCode.BadRequest, "at most 4");
    }

    public static TheoryData<string, byte[], string, HttpStatusCode, string> BadUploads => new()
    {
        { "file", "not an image at all"u8.ToArray(), "image/jpeg", HttpStatusCode.BadRequest, "not a JPEG, PNG, BMP or WebP" },
        { "file", TestImages.Face(MaskState.Correct, 1)[..900], "image/jpeg", HttpStatusCode.BadRequest, "truncated" },
        { "file", TestImages.Face(MaskState.Correct, 1, ImageFormat.Png)[..700], "image/png", HttpStatusCode.BadRequest, "truncated" },
        { "file", [], "image/jpeg", HttpStatusCode.BadRequest, "empty" },
        { "file", "{\"json\": true}"u8.ToArray(), "application/json", HttpStatusCode.UnsupportedMediaType, "not an image" },
        { "file", TestImages.Face(MaskState.None, 1, size: 1200), "image/jpeg", HttpStatusCode.RequestEntityTooLarge, "megapixels" },
        { "image", TestImages.Face(MaskState.None, 1), "image/jpeg", HttpStatusCode.BadRequest, "field 'file' is missing" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task Bad_input_is_a_4xx_problem_never_a_5xx(string field, byte[] bytes, string contentType, HttpStatusCode status, string detail)
    {
        var response = await service.Client.PostAsync("/api/predict", Upload(field, bytes, "upload", contentType), Cancel);

        await AssertProblem(response, status, detail);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var huge = new byte[400 * 1024];
        new Random(1).NextBytes(huge);

        // Expect: 100-continue, as clients send large uploads: the server can refuse before the body is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/predict") { Content = Upload("file", huge) };
        request.Headers.ExpectContinue = true;
        var response = await service.Client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_request_that_is_not_multipart_is_415()
    {
        var response = await service.Client.PostAsync("/api/predict", new ByteArrayContent(TestImages.Face(MaskState.None, 1)) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, Cancel);

        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType, "multipart/form-data");
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_from_its_header()
    {
        // A real PNG: 5000 x 5000 black pixels compress to a few KB but decode to 75 MB.
        using var black = TestImages.Solid(5000, 5000, OpenCvSharp.Scalar.Black);
        var bomb = SyntheticFaces.Encode(black, ImageFormat.Png);
        Assert.True(bomb.Length < 256 * 1024);

        var response = await service.Client.PostAsync("/api/predict", Upload("file", bomb, "bomb.png", "image/png"), Cancel);

        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "5000x5000");
    }

    [Fact]
    public async Task Uploads_leave_no_temporary_files()
    {
        var before = TempFiles();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            service.Client.PostAsync("/api/predict", Upload("file", TestImages.Face(MaskState.Correct, i, ImageFormat.Bmp, size: 200), "big.bmp", "image/bmp"), Cancel)));

        Assert.Equal(before, TempFiles());
    }

    [Fact]
    public async Task Model_info_describes_the_served_model()
    {
        var info = await service.Client.GetFromJsonAsync<JsonElement>("/api/model/info", Cancel);

        Assert.Equal("api-test-v1", info.GetProperty("version").GetString());
        Assert.Equal(3, info.GetProperty("classes").GetArrayLength());
        Assert.Equal([32, 32], info.GetProperty("input_size").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("RGB", info.GetProperty("preprocessing").GetProperty("color_order").GetString());
        Assert.True(info.GetProperty("parameters").GetInt64() > 0);
        Assert.True(info.GetProperty("mflops").GetDouble() > 0);
        Assert.True(info.TryGetProperty("created", out _));
        Assert.True(info.TryGetProperty("metrics", out _));
    }

    [Fact]
    public async Task Health_live_and_ready_answer()
    {
        var health = await service.Client.GetFromJsonAsync<JsonElement>("/api/health", Cancel);
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("model_loaded").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/health/live", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/health/ready", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Metrics_are_in_prometheus_format()
    {
        await service.Client.PostAsync("/api/predict", Upload("file", TestImages.Face(MaskState.None, 9)), Cancel);

        var response = await service.Client.GetAsync("/metrics", Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE facemask_predictions_total counter", text);
        Assert.Contains("facemask_inference_batch_size_bucket", text);
        Assert.Contains("facemask_model_info{version=\"api-test-v1\"} 1", text);
        Assert.Contains("http_request_duration_seconds_bucket{code=\"200\",method=\"POST\",controller=\"\",action=\"\",page=\"\",endpoint=\"/api/predict/\"", text);
    }

    [Fact]
    public async Task Stage_histograms_account_for_each_prediction()
    {
        string[] stages = ["pipeline", "form", "decode", "preprocess", "queue", "inference", "respond", "total"];
        var before = await StageFiguresAsync();
        for (var i = 0; i < 3; i++)
        {
            (await service.Client.PostAsync("/api/predict", Upload("file", TestImages.Face(MaskState.Correct, 40 + i)), Cancel)).EnsureSuccessStatusCode();
        }

        var after = await StageFiguresAsync();
        foreach (var stage in stages)
        {
            Assert.True(after.GetValueOrDefault(stage).Count - before.GetValueOrDefault(stage).Count == 3, $"stage {stage}: {after.GetValueOrDefault(stage).Count - before.GetValueOrDefault(stage).Count} observations for 3 predictions");
        }

        // The stages follow one another inside the request: together they cannot exceed its total.
        double Spent(string stage) => after[stage].Sum - before.GetValueOrDefault(stage).Sum;
        var parts = stages[..^1].Sum(Spent);
        Assert.True(parts > 0 && parts <= Spent("total") * 1.01, $"stages {parts * 1000:0.000} ms, total {Spent("total") * 1000:0.000} ms");
    }

    private async Task<Dictionary<string, (double Count, double Sum)>> StageFiguresAsync()
    {
        var text = await service.Client.GetStringAsync("/metrics", Cancel);
        var figures = new Dictionary<string, (double Count, double Sum)>();
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(text, @"^facemask_request_stage_seconds_(count|sum)\{stage=""(\w+)""\} (\S+)$", System.Text.RegularExpressions.RegexOptions.Multiline))
        {
            var stage = match.Groups[2].Value;
            var value = double.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
            var known = figures.GetValueOrDefault(stage);
            figures[stage] = match.Groups[1].Value == "count" ? (value, known.Sum) : (known.Count, value);
        }

        return figures;
    }

    [Fact]
    public async Task The_openapi_document_and_scalar_ui_are_served()
    {
        var document = await service.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Cancel);
        var scalar = await service.Client.GetAsync("/scalar/v1", Cancel);

        Assert.True(document.GetProperty("paths").TryGetProperty("/api/predict", out _) || document.GetProperty("paths").TryGetProperty("/api/predict/", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/model/info", out _));
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }

    internal static MultipartFormDataContent Upload(string field, byte[] bytes, string fileName = "face.jpg", string contentType = "image/jpeg") =>
        new() { { File(bytes, contentType), field, fileName } };

    /// <summary>A labelled upload as the dataset and retrain routes take it: one drawn correct-mask face labelled with_mask.</summary>
    internal static MultipartFormDataContent LabelledFace(int seed) =>
        new() { { new StringContent("with_mask"), "label" }, { File(TestImages.Face(MaskState.Correct, seed)), "files", "a.jpg" } };

    internal static ByteArrayContent File(byte[] bytes, string contentType = "image/jpeg") =>
        new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } };

    internal static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        Assert.Matches("^[a-z_]+$", problem.GetProperty("code").GetString()); // every error answer: a machine-readable code...
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("trace_id").GetString())); // ...and the trace to find it in the logs
    }

    private async Task<double> MetricValue(string name)
    {
        var text = await service.Client.GetStringAsync("/metrics", Cancel);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string[] TempFiles() =>
        Directory.EnumerateFiles(Path.GetTempPath(), "ASPNETCORE_*").Order(StringComparer.Ordinal).ToArray();
}
