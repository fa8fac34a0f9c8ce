using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Retraining;
using FaceMask.Tests.Support;
using FaceMask.Training.Imaging;
using FaceMask.Training.Synthetic;
using Microsoft.Playwright;

namespace FaceMask.Tests.Web;

/// <summary>The web pages in Debian's Chromium against a real service: checks, retraining, the registry, every page on a phone and a desktop.</summary>
[Collection(RetrainCollection.Name)]
public sealed class WebPagesTests(WebServer server) : ChromiumPageTest, IClassFixture<WebServer>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public override BrowserNewContextOptions ContextOptions() => new()
    {
        BaseURL = server.BaseAddress,
        Locale = "en-US",
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        Permissions = ["camera"],
    };

    [Fact]
    public async Task A_drawn_face_gets_the_verdict_the_api_gives()
    {
        var face = TestImages.Face(MaskState.Correct, seed: 21);
        var expected = await VerdictOfAsync(face);

        await Page.GotoAsync("/");
        await Page.SetInputFilesAsync("#photos", new FilePayload { Name = "face.jpg", MimeType = "image/jpeg", Buffer = face });

        var verdict = Page.Locator(".result .verdict").First;
        await Expect(verdict).ToHaveAttributeAsync("data-class", expected.Class);
        await Expect(verdict).ToContainTextAsync($"{expected.Confidence * 100:0.0}%");
        await ScreenshotAsync("check-face");
        AssertNoProblems();
    }

    [Fact]
    public async Task A_composed_photo_shows_one_box_and_one_verdict_per_face()
    {
        // The scene the detection API tests find every face of.
        var placements = new (int X, int Y, int Size, MaskState State)[]
        {
            (20, 30, 200, MaskState.None), (250, 20, 150, MaskState.Correct), (300, 180, 128, MaskState.Incorrect),
        };
        var (scene, _) = TestImages.Scene(480, 360, placements);
        byte[] photo;
        using (scene)
        {
            photo = SyntheticFaces.Encode(scene, ImageFormat.Jpeg);
        }

        var detection = await DetectAsync(photo);
        var faces = detection.GetProperty("faces");
        Assert.Equal(placements.Length, faces.GetArrayLength()); // the drawn faces are all found: the page must show each

        await Page.GotoAsync("/");
        await Page.SetInputFilesAsync("#photos", new FilePayload { Name = "street.jpg", MimeType = "image/jpeg", Buffer = photo });

        var items = Page.Locator(".result ol.faces li");
        await Expect(items).ToHaveCountAsync(placements.Length);
        for (var i = 0; i < placements.Length; i++)
        {
            await Expect(items.Nth(i)).ToHaveAttributeAsync("data-class", faces[i].GetProperty("prediction").GetString()!);
            var verdict = items.Nth(i).Locator(".verdict");
            if (faces[i].GetProperty("uncertain").GetBoolean())
            {
                await Expect(verdict).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\buncertain\b"));
                await Expect(verdict).ToContainTextAsync("uncertain: check by eye");
            }
            else
            {
                await Expect(verdict).Not.ToContainTextAsync("uncertain");
            }
        }

        await Expect(Page.Locator(".result .counts")).ToContainTextAsync($"{placements.Length} faces");
        var boxes = await BoxColoursDrawnAsync(faces);
        Assert.All(boxes, drawn => Assert.True(drawn, "a face's box is not drawn in its verdict's colour on the canvas"));
        await ScreenshotAsync("check-photo");
        await Page.SetViewportSizeAsync(390, 844);
        await ScreenshotAsync("check-photo-phone");
        AssertNoProblems();
    }

    [Fact]
    public async Task Labels_in_a_crowd_stay_inside_the_photo_and_never_overlap()
    {
        // Rows of small faces edge to edge, the last column against the right edge: labels above the boxes would collide and run off the side.
        var states = new[] { MaskState.None, MaskState.Correct, MaskState.Incorrect };
        var placements = (from row in Enumerable.Range(0, 5) from column in Enumerable.Range(0, 11) select (X: 8 + (column * 57), Y: 10 + (row * 80), Size: 48, State: states[((row * 11) + column) % 3])).ToList();
        var (scene, _) = TestImages.Scene(640, 420, placements);
        byte[] photo;
        using (scene)
        {
            photo = SyntheticFaces.Encode(scene, ImageFormat.Jpeg);
        }

        var found = (await DetectAsync(photo)).GetProperty("faces").GetArrayLength();
        Assert.True(found >= 10, $"only {found} of the crowd's drawn faces were found: too few to crowd the labels");

        await Page.GotoAsync("/");
        await Page.SetInputFilesAsync("#photos", new FilePayload { Name = "crowd.jpg", MimeType = "image/jpeg", Buffer = photo });
        await Expect(Page.Locator(".result ol.faces li")).ToHaveCountAsync(found);

        var canvas = Page.Locator(".result canvas");
        var (width, height) = (await canvas.EvaluateAsync<int>("c => c.width"), await canvas.EvaluateAsync<int>("c => c.height"));
        var places = JsonSerializer.Deserialize<LabelPlace?[]>(await canvas.GetAttributeAsync("data-labels") ?? "[]", JsonSerializerOptions.Web)!;
        Assert.Equal(found, places.Length);
        Assert.All(places, p => Assert.NotNull(p)); // this crowd leaves room for every face's label, short if need be
        var labels = places.Select(p => p!).ToArray();
        Assert.All(labels, l => Assert.True(l.X >= 0 && l.Y >= 0 && l.X + l.Width <= width && l.Y + l.Height <= height, $"label {l} leaves the {width}x{height} photo"));
        for (var i = 0; i < labels.Length; i++)
        {
            for (var j = i + 1; j < labels.Length; j++)
            {
                var (a, b) = (labels[i], labels[j]);
                Assert.False(a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height, $"labels {i + 1} and {j + 1} overlap: {a} {b}");
            }
        }

        await ScreenshotAsync("check-crowd");
        AssertNoProblems();
    }

    private sealed record LabelPlace(double X, double Y, double Width, double Height, string Text);

    [Fact]
    public async Task A_refused_upload_reads_as_a_message_not_json()
    {
        ExpectedFailures.AddRange(["/api/detect", "status of 415"]);
        await Page.GotoAsync("/");
        await Page.SetInputFilesAsync("#photos", new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "not a photo"u8.ToArray() });

        var error = Page.Locator(".result [role=alert]");
        await Expect(error).ToContainTextAsync("not an image");
        Assert.DoesNotContain("{", await error.TextContentAsync());
        AssertNoProblems();
    }

    [Fact]
    public async Task The_camera_mode_sends_frames_and_shows_the_rate()
    {
        await Page.GotoAsync("/");
        await Page.ClickAsync("#camera-toggle");

        await Expect(Page.Locator("#camera-rate")).ToContainTextAsync("frames/s", new() { Timeout = 20_000 });
        await Expect(Page.Locator("#camera-counts")).Not.ToBeEmptyAsync(); // Chromium's fake camera shows no face: "No face in view."
        await Page.ClickAsync("#camera-toggle");
        await Expect(Page.Locator("#camera")).ToBeHiddenAsync();
        AssertNoProblems();
    }

    [Fact]
    public async Task Every_page_renders_on_a_phone_and_a_desktop_without_errors()
    {
        string[] pages = ["/", "/retrain", "/models", "/models/facemask-v1", "/data", "/monitoring", "/signin"];
        foreach (var (width, height, suffix) in new[] { (1280, 900, "desktop"), (390, 844, "phone") })
        {
            await Page.SetViewportSizeAsync(width, height);
            foreach (var path in pages)
            {
                await Page.GotoAsync(path);
                await Expect(Page.Locator("h1")).ToBeVisibleAsync();
                var overflow = await Page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
                Assert.False(overflow, $"{path} is wider than a {width} px screen");
                if (path == "/data")
                {
                    await Page.ClickAsync("text=Count the groups");
                    await Expect(Page.Locator("#groups table")).ToBeVisibleAsync(new() { Timeout = 60_000 });
                }

                if (path == "/monitoring")
                {
                    await Expect(Page.Locator("#monitoring-summary")).ToContainTextAsync("Served model");
                }

                await ScreenshotAsync($"page{(path == "/" ? "-check" : path.Replace('/', '-'))}-{suffix}");
            }
        }

        AssertNoProblems();
    }

    /// <summary>The API explorer and the job dashboard too: everything they load comes from this service (Scalar's default fonts would come from a public font host).</summary>
    [Fact]
    public async Task The_api_explorer_and_the_job_dashboard_load_nothing_from_another_host()
    {
        await Page.GotoAsync("/scalar/v1", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(Page.Locator("body")).ToContainTextAsync("/api/detect", new() { Timeout = 30_000 }); // the document rendered
        await Page.GotoAsync("/hangfire", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(Page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("FaceMask jobs"));
        AssertNoProblems();
    }

    [Fact]
    public async Task The_service_has_an_icon_where_browsers_look_for_one()
    {
        using var response = await server.Client.GetAsync("/favicon.ico", Cancel);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var icon = await response.Content.ReadAsByteArrayAsync(Cancel);
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, icon[..4]); // an ICO header
    }

    private async Task<JsonElement> DetectAsync(byte[] image)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(image) { Headers = { ContentType = new("image/jpeg") } }, "file", "photo.jpg" } };
        using var response = await server.Client.PostAsync("/api/detect", form, Cancel);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    /// <summary>What the page must show for one image: the first face's verdict, or the whole image's when no face is found.</summary>
    private async Task<(string Class, double Confidence)> VerdictOfAsync(byte[] image)
    {
        var faces = (await DetectAsync(image)).GetProperty("faces");
        if (faces.GetArrayLength() > 0)
        {
            return (faces[0].GetProperty("prediction").GetString()!, faces[0].GetProperty("confidence").GetDouble());
        }

        using var form = new MultipartFormDataContent { { new ByteArrayContent(image) { Headers = { ContentType = new("image/jpeg") } }, "file", "face.jpg" } };
        using var response = await server.Client.PostAsync("/api/predict", form, Cancel);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        return (answer.GetProperty("prediction").GetString()!, answer.GetProperty("confidence").GetDouble());
    }

    /// <summary>For each face, whether the canvas has its verdict's colour on its box's left edge (the colour site.js gives the class), solid or dashed.</summary>
    private async Task<bool[]> BoxColoursDrawnAsync(JsonElement faces) =>
        await Page.EvaluateAsync<bool[]>("""
            faces => {
                const canvas = document.querySelector(".result canvas");
                const scale = 1; // the photo is narrower than the page's 1,280 px canvas limit: drawn at its own size
                const context = canvas.getContext("2d");
                const hex = c => [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16));
                return faces.map(face => {
                    const [r, g, b] = hex(window.FaceMask.colour(face.prediction));
                    // The middle third of the box's left edge (an uncertain verdict's box is dashed: a single row may fall in a gap).
                    const x = Math.round(face.box.x * scale), y = Math.round((face.box.y + face.box.height / 3) * scale);
                    const pixel = context.getImageData(Math.max(0, x - 1), y, 3, Math.max(1, Math.round(face.box.height / 3 * scale))).data;
                    for (let i = 0; i < pixel.length; i += 4) {
                        if (Math.abs(pixel[i] - r) < 40 && Math.abs(pixel[i + 1] - g) < 40 && Math.abs(pixel[i + 2] - b) < 40) return true;
                    }
                    return false;
                });
            }
            """, faces.EnumerateArray().Select(f => new
        {
            prediction = f.GetProperty("prediction").GetString(),
            box = new
            {
                x = f.GetProperty("box").GetProperty("x").GetDouble(),
                y = f.GetProperty("box").GetProperty("y").GetDouble(),
                width = f.GetProperty("box").GetProperty("width").GetDouble(),
                height = f.GetProperty("box").GetProperty("height").GetDouble(),
            },
        }).ToArray());
}

/// <summary>With an admin key configured: a visitor sees the check page and read-only figures until signing in.</summary>
[Collection(RetrainCollection.Name)]
public sealed class AdminPagesTests : OwnServicePageTest
{
    private const string Key = "web-admin-key";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Admin:ApiKey"] = Key };

    protected override ServiceEnvironment CreateEnvironment() => ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 4, seed: 12);

    [Fact]
    public async Task Admin_controls_appear_only_after_signing_in_with_the_key()
    {
        await Page.GotoAsync("/retrain");
        await Expect(Page.Locator("main")).ToContainTextAsync("Adding images and retraining are for admins");
        await Expect(Page.Locator("#start-retrain")).ToHaveCountAsync(0);
        await Page.GotoAsync("/data");
        await Expect(Page.Locator("#samples-heading")).ToHaveCountAsync(0); // faces are shown to admins only
        var sample = await Page.APIRequest.GetAsync("/data?handler=Sample&className=with_mask&index=0");
        Assert.Equal(403, sample.Status);

        ExpectedFailures.AddRange(["/signin", "status of 401"]);
        await Page.GotoAsync("/signin?returnUrl=/retrain");
        await Page.FillAsync("#key", "not the key");
        await Page.ClickAsync("button[type=submit]");
        await Expect(Page.Locator("[role=alert]")).ToHaveTextAsync("That key is not the admin key.");

        await Page.FillAsync("#key", Key);
        await Page.ClickAsync("button[type=submit]");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/retrain$"));
        await Expect(Page.Locator("#start-retrain")).ToBeVisibleAsync();
        await Expect(Page.Locator(".badge")).ToHaveTextAsync("admin");

        await Page.ClickAsync("text=Sign out");
        await Page.GotoAsync("/retrain");
        await Expect(Page.Locator("#start-retrain")).ToHaveCountAsync(0);
        AssertNoProblems();
    }
}

/// <summary>Names the service does not choose (a model's classes, in its metadata and metrics) reach the pages as text, never as markup or script.</summary>
[Collection(RetrainCollection.Name)]
public sealed class HostileNamesPagesTests : OwnServicePageTest
{
    /// <summary>A class in a model's metadata and metrics: closes the JSON island and opens a script.</summary>
    private const string ScriptClass = "</script><script>window.injected = 'model'</script>";

    /// <summary>Another: an element with a handler.</summary>
    private const string MarkupClass = "<img src=x onerror=\"window.injected = 'data'\">";

    protected override ServiceEnvironment CreateEnvironment()
    {
        var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 3, seed: 13);
        var trained = FaceMask.Training.Models.ModelFolder.Load(TestModels.Trained(environment.Models, "facemask-v1"));
        var classes = new[] { ScriptClass, MarkupClass, trained.Metadata.Classes[2] };
        var metrics = trained.Metrics! with
        {
            PerClass = trained.Metrics.PerClass.Select((c, i) => (Name: classes[i], c.Value)).ToDictionary(c => c.Name, c => c.Value),
            ConfusionMatrix = trained.Metrics.ConfusionMatrix with { Labels = classes },
        };
        FaceMask.Training.Models.ModelFolder.Save(environment.InitialModel, trained.Model, trained.Metadata with { Classes = classes }, metrics, overwrite: true);
        return environment;
    }

    [Fact]
    public async Task A_class_name_that_closes_the_script_element_is_data_on_the_models_page()
    {
        await Page.GotoAsync("/models/facemask-v1");
        await Expect(Page.Locator("#per-class")).ToBeVisibleAsync();

        Assert.True(await Page.EvaluateAsync<bool>("window.injected === undefined"), "the class name ran as script");
        var classes = await Page.EvaluateAsync<string[]>("Object.keys(JSON.parse(document.getElementById('model-data').textContent).test.per_class)");
        Assert.Equal([ScriptClass, MarkupClass], classes[..2]);
        AssertNoProblems();
    }

    [Fact]
    public async Task Class_names_like_markup_and_script_are_text_on_the_data_page()
    {
        await Page.GotoAsync("/data");

        await Expect(Page.Locator("main")).ToContainTextAsync(MarkupClass);
        await Expect(Page.Locator("main")).ToContainTextAsync(ScriptClass);
        Assert.True(await Page.EvaluateAsync<bool>("window.injected === undefined"), "the folder name ran as script");
        Assert.Equal(0, await Page.Locator("main img[src=x]").CountAsync());
        var classes = await Page.EvaluateAsync<string[]>("JSON.parse(document.getElementById('data-counts').textContent).classes");
        Assert.Equal([ScriptClass, MarkupClass], classes[..2]);
        AssertNoProblems();
    }
}

/// <summary>The Models page's upload form: a Keras model from elsewhere becomes a candidate with the gate's verdict; a bad file reads as a message.</summary>
[Collection(RetrainCollection.Name)]
public sealed class ModelUploadPageTests : OwnServicePageTest
{
    protected override ServiceEnvironment CreateEnvironment() => ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 4, seed: 13, initialModel: InitialModel.Trained);

    [Fact]
    public async Task An_upload_from_the_models_page_registers_a_candidate_that_is_not_served()
    {
        await Page.GotoAsync("/models");
        ExpectedFailures.AddRange(["/api/models", "status of 400"]);
        await Page.SetInputFilesAsync("#model-file", new FilePayload { Name = "notes.h5", MimeType = "application/octet-stream", Buffer = "not a model"u8.ToArray() });
        await Page.FillAsync("#model-input-size", "32");
        await Page.ClickAsync("text=Upload and judge");
        await Expect(Page.Locator("#models-message")).ToContainTextAsync("'notes.h5' is not an HDF5 file");

        var h5 = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "FaceMask.Tests", "Fixtures", "Models", "synthetic-good", "model.h5"), TestContext.Current.CancellationToken);
        await Page.SetInputFilesAsync("#model-file", new FilePayload { Name = "partner.h5", MimeType = "application/x-hdf5", Buffer = h5 });
        await Page.FillAsync("#model-input-size", "32");
        await Page.FillAsync("#model-version", "partner-v1");
        await Page.ClickAsync("text=Upload and judge");

        await Expect(Page.Locator("#models-message")).ToContainTextAsync("partner-v1 is registered as a candidate: uploaded; ");
        await Expect(Page.Locator("tr[data-version='partner-v1'] td.state-Candidate")).ToBeVisibleAsync();
        await Expect(Page.Locator("tr[data-version='facemask-v1'] td.state-Active")).ToBeVisibleAsync();
        await ScreenshotAsync("models-upload");
        AssertNoProblems();
    }
}
