using FaceMask.Tests.Retraining;
using FaceMask.Tests.Support;

namespace FaceMask.Tests.Web;

/// <summary>The Data page's near-duplicate count: groups that span classes are listed with their images, and a second count of unchanged files answers from memory.</summary>
[Collection(RetrainCollection.Name)]
public sealed class DataGroupsPageTests : OwnServicePageTest
{
    private string copied = "";

    /// <summary>Drawn faces, one of them copied into another class's folder: the same face under two labels.</summary>
    protected override ServiceEnvironment CreateEnvironment()
    {
        var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 4, seed: 15);
        var face = Directory.EnumerateFiles(Path.Combine(environment.Dataset, "with_mask")).Order(StringComparer.Ordinal).First();
        copied = $"without_mask/relabelled{Path.GetExtension(face)}";
        File.Copy(face, Path.Combine(environment.Dataset, copied));
        return environment;
    }

    [Fact]
    public async Task Groups_that_span_classes_are_listed_and_an_unchanged_count_is_remembered()
    {
        await Page.GotoAsync("/data");
        await Page.ClickAsync("text=Count the groups");

        var groups = Page.Locator("ol.cross-class > li");
        await Expect(groups).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(groups.First).ToContainTextAsync("mask worn correctly and no mask");
        await Expect(groups.First).ToContainTextAsync($"Dataset/{copied}");
        var thumbnail = groups.First.Locator($"img[alt$='{copied}']");
        await Expect(thumbnail).ToBeVisibleAsync(); // this machine is admin: the faces are shown
        Assert.True(await thumbnail.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the thumbnail did not load");
        await Expect(Page.Locator("#groups-counted")).Not.ToContainTextAsync("no file has changed");

        await Page.ClickAsync("text=Count again");
        await Expect(Page.Locator("#groups-counted")).ToContainTextAsync("no file has changed since");
        var outside = await Page.APIRequest.GetAsync("/data?handler=GroupImage&folder=Dataset&path=..%2F..%2Fetc%2Fpasswd");
        Assert.Equal(404, outside.Status); // only images inside the dataset folders
        AssertNoProblems();
    }
}
