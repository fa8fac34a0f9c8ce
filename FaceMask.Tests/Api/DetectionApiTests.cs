using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Support;
using FaceMask.Training.Imaging;
using FaceMask.Training.Synthetic;
using OpenCvSharp;

namespace FaceMask.Tests.Api;

/// <summary><c>POST /api/detect</c> end to end on a real Kestrel server: composed photos of drawn faces, the vendored detector, a trained model.</summary>
public sealed class DetectionApiTests : IClassFixture<DetectionApiTests.Service>
{
    private static readonly (int X, int Y, int Size, MaskState State)[] Placements =
    [
        (20, 30, 200, MaskState.None),
        (250, 20, 150, MaskState.Correct),
        (300, 180, 128, MaskState.Incorrect),
    ];

    private readonly Service service;

    public DetectionApiTests(Service service) => this.service = service;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public sealed class Service : ServedApi
    {
        protected override IReadOnlyDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Model:Path"] = TestModels.Trained(Directory.Path, "detect-test-v1"),
            ["Uploads:MaxPixels"] = "1000000",
            ["RateLimiting:Enabled"] = "false",
        };
    }

    [Fact]
    public async Task Every_face_of_a_photo_is_found_at_its_place_and_classified_largest_first()
    {
        var (scene, noses) = TestImages.Scene(480, 360, Placements);
        using var _ = scene;

        using var response = await service.Client.PostAsync("/api/detect", Upload(SyntheticFaces.Encode(scene, ImageFormat.Png), "scene.png"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var faces = body.GetProperty("faces").EnumerateArray().ToList();
        Assert.Equal(noses.Count, faces.Count);
        foreach (var nose in noses)
        {
            Assert.Single(faces, f => Box(f).Contains(nose));
        }

        var areas = faces.Select(f => Box(f).Width * Box(f).Height).ToList();
        Assert.Equal(areas.OrderDescending(), areas);
        var classes = new[] { "mask_weared_incorrect", "with_mask", "without_mask" };
        foreach (var face in faces)
        {
            Assert.Contains(face.GetProperty("prediction").GetString(), classes);
            Assert.InRange(face.GetProperty("detection_confidence").GetSingle(), 0.5f, 1f);
            var probabilities = face.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetSingle());
            Assert.Equal(classes, probabilities.Keys.Order());
            Assert.Equal(1f, probabilities.Values.Sum(), 3);
            Assert.Equal(face.GetProperty("confidence").GetSingle() < 0.8f, face.GetProperty("uncertain").GetBoolean()); // Inference:UncertainBelow's default
            var keypoints = face.GetProperty("keypoints").EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(["right_eye", "left_eye", "nose_tip", "mouth_right", "mouth_left"], keypoints);
            var box = Box(face);
            Assert.All(face.GetProperty("keypoints").EnumerateObject(), p => Assert.True(
                box.Contains(new Point2f(p.Value.GetProperty("x").GetSingle(), p.Value.GetProperty("y").GetSingle())), $"{p.Name} lies outside its face's box"));
        }

        Assert.Equal(faces.Count, body.GetProperty("counts").EnumerateObject().Sum(c => c.Value.GetInt32()));
        Assert.Equal(480, body.GetProperty("image").GetProperty("width").GetInt32());
        Assert.Equal(360, body.GetProperty("image").GetProperty("height").GetInt32());
        Assert.False(body.GetProperty("truncated").GetBoolean());
        Assert.Equal("detect-test-v1", body.GetProperty("model_version").GetString());
        Assert.StartsWith("yunet-n ", body.GetProperty("detector").GetString());
    }

    [Fact]
    public async Task A_photo_without_faces_answers_an_empty_list()
    {
        using var empty = TestImages.Solid(400, 300, new OpenCvSharp.Scalar(90, 140, 200));

        using var response = await service.Client.PostAsync("/api/detect", Upload(SyntheticFaces.Encode(empty, ImageFormat.Jpeg), "wall.jpg"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Empty(body.GetProperty("faces").EnumerateArray());
        Assert.All(body.GetProperty("counts").EnumerateObject(), c => Assert.Equal(0, c.Value.GetInt32()));
    }

    [Fact]
    public async Task Boxes_are_in_the_displayed_orientation_of_an_exif_rotated_photo()
    {
        var (scene, noses) = TestImages.Scene(480, 360, Placements);
        using var _ = scene;

        // Stored rotated a quarter turn back, tagged "rotate 90 degrees clockwise to view": viewers show the scene upright.
        using var stored = new Mat();
        Cv2.Rotate(scene, stored, RotateFlags.Rotate90Counterclockwise);
        var jpeg = TestImages.WithExifOrientation(SyntheticFaces.Encode(stored, ImageFormat.Jpeg), orientation: 6);

        using var response = await service.Client.PostAsync("/api/detect", Upload(jpeg, "rotated.jpg"), Cancel);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(480, body.GetProperty("image").GetProperty("width").GetInt32());
        var faces = body.GetProperty("faces").EnumerateArray().ToList();
        Assert.Equal(noses.Count, faces.Count);
        Assert.All(noses, nose => Assert.Single(faces, f => Box(f).Contains(nose)));
    }

    [Fact]
    public async Task Max_faces_cuts_the_list_and_says_so_and_bad_queries_are_refused()
    {
        var (scene, _) = TestImages.Scene(480, 360, Placements);
        using var __ = scene;
        var png = SyntheticFaces.Encode(scene, ImageFormat.Png);

        using var response = await service.Client.PostAsync("/api/detect?max_faces=1", Upload(png, "scene.png"), Cancel);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Single(body.GetProperty("faces").EnumerateArray());
        Assert.True(body.GetProperty("truncated").GetBoolean());
        Assert.Equal(200, Box(body.GetProperty("faces")[0]).Width, 200 * 0.6); // the largest face is the one kept

        using var refused = await service.Client.PostAsync("/api/detect?min_face=2", Upload(png, "scene.png"), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_query", (await refused.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("code").GetString());

        // A value that is not a number at all is the same documented code, naming the key as sent.
        using var unreadable = await service.Client.PostAsync("/api/detect?min_face=abc", Upload(png, "scene.png"), Cancel);
        var problem = await unreadable.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(unreadable.StatusCode == HttpStatusCode.BadRequest, problem.ToString());
        Assert.True(problem.GetProperty("code").GetString() == "invalid_query", problem.ToString());
        Assert.Equal("The query value min_face='abc' is not a whole number.", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("application/json, image/jpeg", "application/json")] // what Scalar's "Test request" sends: equal preference keeps JSON
    [InlineData("image/*", "application/json")]
    [InlineData("*/*", "application/json")]
    [InlineData("image/jpeg", "image/jpeg")]
    [InlineData("application/json;q=0.5, image/jpeg", "image/jpeg")]
    [InlineData("image/jpeg;q=0.8, application/json", "application/json")]
    public async Task The_annotated_photo_is_sent_only_when_preferred_to_JSON(string accept, string expected)
    {
        var (scene, _) = TestImages.Scene(480, 360, Placements);
        using var _ = scene;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/detect") { Content = Upload(SyntheticFaces.Encode(scene, ImageFormat.Png), "scene.png") };
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await service.Client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Accept_image_jpeg_returns_the_photo_with_the_faces_drawn()
    {
        var (scene, _) = TestImages.Scene(480, 360, Placements);
        using var _ = scene;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/detect") { Content = Upload(SyntheticFaces.Encode(scene, ImageFormat.Png), "scene.png") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/jpeg"));

        using var response = await service.Client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        using var annotated = Cv2.ImDecode(await response.Content.ReadAsByteArrayAsync(Cancel), ImreadModes.Color);
        Assert.Equal((480, 360), (annotated.Width, annotated.Height));
        using var difference = new Mat();
        using var original = Cv2.ImDecode(SyntheticFaces.Encode(scene, ImageFormat.Png), ImreadModes.Color);
        Cv2.Absdiff(original, annotated, difference);
        using var grey = difference.CvtColor(ColorConversionCodes.BGR2GRAY);
        Assert.True(Cv2.CountNonZero(grey.Threshold(60, 255, ThresholdTypes.Binary)) > 500, "no boxes drawn");
    }

    [Fact]
    public async Task Hostile_uploads_get_the_same_answers_as_predict()
    {
        byte[] notAnImage = [.. "GIF89a this is not a picture"u8];
        foreach (var route in new[] { "/api/predict", "/api/detect" })
        {
            using var response = await service.Client.PostAsync(route, Upload(notAnImage, "x.jpg"), Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("unsupported_format", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("code").GetString());

            using var empty = await service.Client.PostAsync(route, Upload([], "empty.jpg"), Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Equal("empty_file", (await empty.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("code").GetString());
        }

        using var huge = TestImages.Solid(1200, 1000, new OpenCvSharp.Scalar(1, 2, 3)); // 1.2 M pixels, over the 1 M limit
        using var tooLarge = await service.Client.PostAsync("/api/detect", Upload(SyntheticFaces.Encode(huge, ImageFormat.Png), "big.png"), Cancel);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("too_many_pixels", (await tooLarge.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("code").GetString());
    }

    private static MultipartFormDataContent Upload(byte[] bytes, string name)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { file, "file", name } };
    }

    private static Rect2f Box(JsonElement face)
    {
        var box = face.GetProperty("box");
        return new Rect2f(box.GetProperty("x").GetSingle(), box.GetProperty("y").GetSingle(), box.GetProperty("width").GetSingle(), box.GetProperty("height").GetSingle());
    }
}
