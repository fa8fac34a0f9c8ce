using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using FaceMask.Tests.Retraining;
using FaceMask.Tests.Support;
using FaceMask.Training.Imaging;
using FaceMask.Training.Synthetic;
using Microsoft.Playwright;

namespace FaceMask.Tests.Web;

/// <summary>
/// A newcomer's first hour, as one walk through the pages of a service with an admin key: open the
/// check page, check a photo, sign in, add images, start a retrain and watch it to its outcome,
/// open the new model, activate it or the other version, and roll back. Every step is
/// photographed at desktop and phone width (<c>first-hour-NN-step-desktop.png</c>, <c>-phone.png</c>).
/// </summary>
[Collection(RetrainCollection.Name)]
public sealed class FirstHourWalkthroughTests : OwnServicePageTest
{
    private const string Key = "first-hour-key";
    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private int step;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Admin:ApiKey"] = Key,
        ["Retraining:Epochs"] = "3",
        ["Paths:FaceDetector"] = Path.Combine(RepositoryPaths.Root, "models", "blazeface", FaceMask.Training.Detection.BlazeFaceDetector.FrontModelFile),
    };

    protected override ServiceEnvironment CreateEnvironment() => ServiceEnvironment.Create(Storage.Sqlite, seed: 14);

    public override BrowserNewContextOptions ContextOptions()
    {
        var options = base.ContextOptions();
        options.ViewportSize = Desktop;
        return options;
    }

    [Fact]
    public async Task The_first_hour_from_a_photo_to_a_rollback()
    {
        // 1. The front page says what it does and takes a photo.
        await Page.GotoAsync("/");
        await Expect(Page.Locator("h1")).ToBeVisibleAsync();
        await SnapAsync("home");

        // 2. A photo of drawn faces: one verdict per face, named as people read them.
        var (scene, _) = TestImages.Scene(480, 360, [(20, 30, 200, MaskState.None), (250, 20, 150, MaskState.Correct)]);
        byte[] photo;
        using (scene)
        {
            photo = SyntheticFaces.Encode(scene, ImageFormat.Jpeg);
        }

        await Page.SetInputFilesAsync("#photos", new FilePayload { Name = "street.jpg", MimeType = "image/jpeg", Buffer = photo });
        await Expect(Page.Locator(".result ol.faces li")).ToHaveCountAsync(2);
        await Expect(Page.Locator(".result")).ToContainTextAsync(new Regex("Face 1: (mask worn correctly|mask worn incorrectly|no mask) "));
        await SnapAsync("check-photo");

        // 3. Retraining needs the admin key: the page says so, and the sign-in page takes it.
        await Page.GotoAsync("/retrain");
        await Expect(Page.Locator("main")).ToContainTextAsync("Adding images and retraining are for admins");
        await Page.ClickAsync("text=Sign in");
        await SnapAsync("sign-in");
        await Page.FillAsync("#key", Key);
        await Page.ClickAsync("button[type=submit]");
        await Expect(Page).ToHaveURLAsync(new Regex("/retrain$"));
        await Expect(Page.Locator(".badge")).ToHaveTextAsync("admin");

        // 4. Add three faces; the class list reads as people say it, the label goes to the service.
        await Expect(Page.Locator("#label option[value='mask_weared_incorrect']")).ToHaveTextAsync("mask worn incorrectly");
        await Page.SelectOptionAsync("#label", "with_mask");
        await Page.SetInputFilesAsync("#files", Enumerable.Range(0, 3).Select(i => new FilePayload
        {
            Name = $"mine-{i}.jpg",
            MimeType = "image/jpeg",
            Buffer = TestImages.Face(MaskState.Correct, seed: 700 + i, size: 96),
        }));
        await Page.ClickAsync("text=Add to the dataset");
        await Expect(Page.Locator("#add-result")).ToContainTextAsync("Added 3 images");
        await SnapAsync("images-added");

        // 5. Start a retrain and watch it to what it did to the served model.
        await Page.ClickAsync("#start-retrain");
        await Expect(Page.Locator("#watch")).ToBeVisibleAsync();
        var outcome = Page.Locator("#watch-state");
        await Expect(outcome).ToHaveTextAsync(new Regex("^(promoted|kept as candidate)$"), new() { Timeout = 240_000 });
        var label = await outcome.InnerTextAsync();
        var decision = (await Page.Locator("#watch-decision").InnerTextAsync()).Trim();
        Assert.StartsWith(label == "promoted" ? "promoted: " : "kept as candidate: ", decision);
        await Expect(Page.Locator("#retrain-list tbody tr").First).ToContainTextAsync(label); // the list says what happened
        Assert.Equal(1, Regex.Count(await Page.Locator("main").InnerTextAsync(), Regex.Escape(decision))); // and the decision is said once
        await Expect(Page.Locator("#watch-started")).ToContainTextAsync("took ");
        await Expect(Page.Locator("#watch-retries")).ToHaveTextAsync("every stage ran once");
        await Expect(Page.Locator("#watch-jobs a")).ToHaveCountAsync(4); // split, train, evaluate, promote in Hangfire
        Assert.True(await Page.EvaluateAsync<int>("Chart.getChart('watch-chart').data.labels.length") >= 1, "the retrain's chart has no epoch");
        Assert.Equal(0, await Page.EvaluateAsync<int>("Chart.getChart('watch-chart').scales.loss.min")); // loss from 0: no spike from a small change
        await SnapAsync("retrain-outcome");

        // 6. The new model's page: its figures on its own test split.
        var retrains = await Factory.CreateClient().GetFromJsonAsync<JsonElement>("/api/jobs", TestContext.Current.CancellationToken);
        var version = retrains[0].GetProperty("model_version").GetString()!;
        await Page.GotoAsync($"/models/{version}");
        await Expect(Page.Locator("#per-class")).ToBeVisibleAsync();
        await SnapAsync("new-model");

        // 7. Activate the version not served now, then roll back to the one that was.
        Page.Dialog += (_, dialog) => dialog.AcceptAsync();
        var served = await ServedAsync();
        var other = served == version ? "facemask-v1" : version;
        await ActivateAsync(other);
        await SnapAsync("activated");
        await ActivateAsync(served);
        Assert.Equal(served, await ServedAsync());
        await SnapAsync("rolled-back");
        AssertNoProblems();
    }

    private async Task ActivateAsync(string version)
    {
        await Page.GotoAsync("/models");
        await Page.Locator($"tr[data-version='{version}'] button", new() { HasText = "Activate" }).ClickAsync();
        await Expect(Page.Locator("#models-message")).ToContainTextAsync($"{version} is now active");
        await Expect(Page.Locator($"tr[data-version='{version}'] td.state-Active")).ToBeVisibleAsync();
    }

    private async Task<string> ServedAsync()
    {
        using var client = Factory.CreateClient();
        return (await client.GetFromJsonAsync<JsonElement>("/api/model/info", TestContext.Current.CancellationToken)).GetProperty("version").GetString()!;
    }

    /// <summary>
    /// The page as it is, at desktop width and at a phone's, where a table wider than the screen
    /// must say it scrolls and nothing may stick out of the page sideways.
    /// </summary>
    private async Task SnapAsync(string name)
    {
        step++;
        var prefix = $"first-hour-{step:00}-{name}";
        await ScreenshotAsync($"{prefix}-desktop");
        await Page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await Page.WaitForTimeoutAsync(500); // charts resize on the next frames after the viewport changes
        var overflow = await Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        var widest = await Page.EvaluateAsync<string>(
            "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.table-scroll')).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5).join(', ')");
        Assert.True(overflow <= 1, $"{name}: the page is {overflow} px wider than a phone's screen ({widest})");
        var hidden = await Page.EvaluateAsync<int>(
            "[...document.querySelectorAll('.table-scroll')].filter(b => b.offsetParent && b.scrollWidth > b.clientWidth + 1 && !(b.classList.contains('scrolls') && b.previousElementSibling?.classList.contains('shown'))).length");
        Assert.True(hidden == 0, $"{name}: {hidden} table(s) scroll sideways on a phone without saying so");
        await ScreenshotAsync($"{prefix}-phone");
        await Page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
    }
}
