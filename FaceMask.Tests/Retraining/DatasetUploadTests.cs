using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Api;
using FaceMask.Tests.Support;
using FaceMask.Training.Imaging;
using FaceMask.Training.Synthetic;
using Microsoft.Extensions.DependencyInjection;

namespace FaceMask.Tests.Retraining;

public sealed class DatasetUploadTests : IAsyncLifetime
{
    private ServiceEnvironment environment = null!;
    private ApiFactory factory = null!;
    private HttpClient client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 3);
        factory = environment.Start(new Dictionary<string, string?>
        {
            ["DatasetUploads:MaxZipEntries"] = "50",
            ["DatasetUploads:MaxZipUncompressedBytes"] = "2000000",
        });
        client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
        await environment.DisposeAsync();
    }

    [Fact]
    public async Task Good_files_are_added_content_addressed_and_duplicates_are_recognised()
    {
        var faces = Enumerable.Range(0, 3).Select(i => TestImages.Face(MaskState.Incorrect, 500 + i)).ToList();
        var existing = File.ReadAllBytes(Directory.EnumerateFiles(Path.Combine(environment.Dataset, "mask_weared_incorrect")).First());

        var first = await Upload(Files("mask_weared_incorrect", [.. faces, existing]));
        var again = await Upload(Files("mask_weared_incorrect", [faces[0]]));

        Assert.Equal((3, 1, 0), (first.GetProperty("added").GetInt32(), first.GetProperty("duplicates").GetInt32(), first.GetProperty("rejected").GetArrayLength()));
        Assert.Equal((0, 1), (again.GetProperty("added").GetInt32(), again.GetProperty("duplicates").GetInt32()));
        var stored = Directory.EnumerateFiles(Path.Combine(environment.DatasetNew, "mask_weared_incorrect")).Select(f => Path.GetFileName(f)).Order().ToList();
        var expected = faces.Select(f => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(f)) + ".jpg").Order().ToList();
        Assert.Equal(expected, stored);
        Assert.Empty(Directory.EnumerateFiles(environment.DatasetNew, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_upload_that_looks_like_another_class_s_images_is_added_with_a_warning()
    {
        // The data as the background check reads it at start: what an upload is held against.
        var warmer = factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<FaceMask.Api.Retraining.DataCheckWarmer>().Single();
        for (var attempt = 0; attempt < 300 && warmer.Completed == 0; attempt++)
        {
            await Task.Delay(100, Cancel);
        }

        Assert.True(warmer.Completed > 0, "the background data check did not run");
        var bare = Directory.EnumerateFiles(Path.Combine(environment.Dataset, "without_mask")).Order(StringComparer.Ordinal).First();
        byte[] reencoded; // the same picture, other bytes: not an exact duplicate
        using (var image = OpenCvSharp.Cv2.ImRead(bare))
        {
            reencoded = image.ImEncode(".png");
        }

        var wrong = await Upload(Files("with_mask", [reencoded, TestImages.Face(MaskState.Correct, 900)]));

        Assert.Equal(2, wrong.GetProperty("added").GetInt32()); // added all the same: the operator decides
        var lookalike = Assert.Single(wrong.GetProperty("lookalikes").EnumerateArray());
        Assert.Equal(("upload0.jpg", "with_mask", "without_mask"), (lookalike.GetProperty("file").GetString(), lookalike.GetProperty("label").GetString(), lookalike.GetProperty("like_class").GetString()));
        Assert.Equal($"Dataset/without_mask/{Path.GetFileName(bare)}", lookalike.GetProperty("like").GetString());
    }

    [Fact]
    public async Task Corrupt_files_and_wrong_labels_are_rejected_with_a_reason_and_change_nothing()
    {
        var corrupt = await Upload(Files("with_mask", [TestImages.Face(MaskState.Correct, 1)[..600], "garbage"u8.ToArray()]));
        var wrongLabel = await client.PostAsync("/api/datasets/new", Files("mask_on_forehead", [TestImages.Face(MaskState.Correct, 2)]), Cancel);

        var reasons = corrupt.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("reason").GetString()).ToList();
        Assert.Equal(0, corrupt.GetProperty("added").GetInt32());
        Assert.Contains(reasons, r => r!.Contains("truncated"));
        Assert.Contains(reasons, r => r!.Contains("not a JPEG, PNG, BMP or WebP"));
        var rejectedLabel = await wrongLabel.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Contains("Unknown label 'mask_on_forehead'", rejectedLabel.GetProperty("rejected")[0].GetProperty("reason").GetString());
        Assert.False(Directory.Exists(Path.Combine(environment.DatasetNew, "mask_on_forehead")));
        Assert.False(Directory.Exists(environment.DatasetNew) && Directory.EnumerateFiles(environment.DatasetNew, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task A_new_class_is_accepted_only_when_the_operator_asks_for_a_new_class_set()
    {
        var face = TestImages.Face(MaskState.None, 31);
        var refused = await Upload(Files("scarf", [face]));
        Assert.Contains("new_classes=true", refused.GetProperty("rejected")[0].GetProperty("reason").GetString());

        var content = Files("scarf", [face]);
        content.Add(new StringContent("true"), "new_classes");
        var accepted = await Upload(content);
        Assert.Equal(1, accepted.GetProperty("added").GetInt32());
        Assert.Single(Directory.EnumerateFiles(Path.Combine(environment.DatasetNew, "scarf")));

        var unsafeName = Files("../escape", [face]);
        unsafeName.Add(new StringContent("true"), "new_classes");
        Assert.Contains("cannot name a class", (await Upload(unsafeName)).GetProperty("rejected")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_upload_over_the_dataset_limit_names_that_limit()
    {
        await using var small = environment.Start(new Dictionary<string, string?> { ["DatasetUploads:MaxRequestBytes"] = "307200" }); // 0.3 MB, below the 10 MB prediction limit
        using var smallClient = small.CreateClient();
        await small.WaitUntilReadyAsync(smallClient);
        var content = Files("with_mask", [new byte[400_000]]);

        var response = await smallClient.PostAsync("/api/datasets/new", content, Cancel);

        await PredictionApiTests.AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "over the limit of 0.3 MB");
    }

    [Fact]
    public async Task A_zip_of_class_folders_is_added()
    {
        var zip = Zip(
            ("upload/with_mask/a.jpg", TestImages.Face(MaskState.Correct, 31)),
            ("upload/without_mask/b.png", TestImages.Face(MaskState.None, 32, ImageFormat.Png)),
            ("upload/without_mask/notes.txt", "not an image"u8.ToArray()),
            ("readme.txt", "top-level file"u8.ToArray()));

        var result = await Upload(new MultipartFormDataContent { { new ByteArrayContent(zip), "dataset", "dataset.zip" } });

        Assert.Equal(2, result.GetProperty("added").GetInt32());
        Assert.Equal(["readme.txt", "upload/without_mask/notes.txt"], result.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("file").GetString()!).Order());
        var datasets = await client.GetFromJsonAsync<JsonElement>("/api/datasets", Cancel);
        Assert.Equal(1, datasets.GetProperty("dataset_new").GetProperty("with_mask").GetInt32());
        Assert.Equal(1, datasets.GetProperty("dataset_new").GetProperty("without_mask").GetInt32());
        Assert.Equal(3, datasets.GetProperty("dataset").GetProperty("with_mask").GetInt32());
    }

    public static TheoryData<string, string> UnsafeZips => new()
    {
        { "empty", "not a readable zip" },
        { "traversal", "path traversal" },
        { "absolute", "absolute" },
        { "symlink", "is a link" },
        { "bomb", "expands to" },
        { "entries", "entries" },
        { "not-a-zip", "not a readable zip" },
    };

    [Theory]
    [MemberData(nameof(UnsafeZips))]
    public async Task Unsafe_zips_are_refused_whole(string kind, string reason)
    {
        var good = TestImages.Face(MaskState.Correct, 40);
        var zip = kind switch
        {
            "empty" => [],
            "traversal" => Zip(("with_mask/ok.jpg", good), ("with_mask/../../../escape.jpg", good)),
            "absolute" => Zip(("with_mask/ok.jpg", good), ("/etc/with_mask/abs.jpg", good)),
            "symlink" => ZipWithModes(("with_mask/ok.jpg", good, 0), ("with_mask/link.jpg", "/etc/passwd"u8.ToArray(), 0xA1FF)),
            "bomb" => Zip(("with_mask/zeros.jpg", new byte[3_000_000])),
            "entries" => ZipWithModes([.. Enumerable.Range(0, 60).Select(i => ($"with_mask/{i}.jpg", good, 0))]),
            _ => "PK but not really a zip"u8.ToArray(),
        };

        var response = await client.PostAsync("/api/datasets/new", new MultipartFormDataContent { { new ByteArrayContent(zip), "dataset", "dataset.zip" } }, Cancel);

        await PredictionApiTests.AssertProblem(response, HttpStatusCode.BadRequest, reason);
        Assert.False(Directory.Exists(environment.DatasetNew) && Directory.EnumerateFiles(environment.DatasetNew, "*", SearchOption.AllDirectories).Any());
        Assert.False(File.Exists(Path.Combine(environment.Root, "escape.jpg")));
    }

    [Fact]
    public async Task An_entry_whose_header_understates_its_size_is_not_inflated_beyond_it()
    {
        var response = await client.PostAsync("/api/datasets/new", new MultipartFormDataContent { { new ByteArrayContent(LyingZip()), "dataset", "dataset.zip" } }, Cancel);

        // The entry claims 1,000 bytes and holds 100,000 zeros: it is read as 1,000 bytes (not an image) and nothing is added.
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, result.GetProperty("added").GetInt32());
        Assert.Equal("with_mask/liar.jpg", result.GetProperty("rejected")[0].GetProperty("file").GetString());
        Assert.False(Directory.Exists(environment.DatasetNew) && Directory.EnumerateFiles(environment.DatasetNew, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Files_without_a_label_are_refused()
    {
        var content = new MultipartFormDataContent { { PredictionApiTests.File(TestImages.Face(MaskState.None, 1)), "files", "a.jpg" } };

        var response = await client.PostAsync("/api/datasets/new", content, Cancel);

        await PredictionApiTests.AssertProblem(response, HttpStatusCode.BadRequest, "'label'");
    }

    private async Task<JsonElement> Upload(HttpContent content)
    {
        var response = await client.PostAsync("/api/datasets/new", content, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    private static MultipartFormDataContent Files(string label, IEnumerable<byte[]> files)
    {
        var content = new MultipartFormDataContent { { new StringContent(label), "label" } };
        var i = 0;
        foreach (var file in files)
        {
            content.Add(PredictionApiTests.File(file), "files", $"upload{i++}.jpg");
        }

        return content;
    }

    internal static byte[] Zip(params (string Name, byte[] Bytes)[] entries) => ZipWithModes(entries.Select(e => (e.Name, e.Bytes, 0)).ToArray());

    /// <summary>A zip whose entries carry Unix mode bits (0xA000: a symbolic link).</summary>
    private static byte[] ZipWithModes(params (string Name, byte[] Bytes, int UnixMode)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes, mode) in entries)
            {
                var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
                if (mode != 0)
                {
                    entry.ExternalAttributes = mode << 16;
                }

                using var stream = entry.Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A zip whose header understates an entry's size (a classic bomb trick).</summary>
    private static byte[] LyingZip()
    {
        var bytes = Zip(("with_mask/liar.jpg", new byte[100_000]));
        // Local header uncompressed size at offset 22, central directory entry's at offset 24 from its signature.
        BitConverter.GetBytes(1000).CopyTo(bytes, 22);
        var central = bytes.AsSpan().LastIndexOf("PK\u0001\u0002"u8);
        BitConverter.GetBytes(1000).CopyTo(bytes, central + 24);
        return bytes;
    }
}
