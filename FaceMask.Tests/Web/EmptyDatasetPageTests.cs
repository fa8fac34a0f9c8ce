using FaceMask.Tests.Support;

namespace FaceMask.Tests.Web;

/// <summary>A fresh clone's Dataset/ is empty: the Data page says so and what to do, instead of a table of zeros.</summary>
public sealed class EmptyDatasetPageTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(2, false)]
    public async Task The_data_page_says_how_to_add_images_only_while_the_dataset_is_empty(int facesPerClass, bool notice)
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass);
        await using var factory = environment.Start();
        using var client = factory.CreateClient();

        var page = await client.GetStringAsync("/data", TestContext.Current.CancellationToken);

        Assert.Equal(notice, page.Contains("id=\"empty-dataset\"", StringComparison.Ordinal));
        Assert.Equal(notice, page.Contains("Paths__Dataset=/path/to/facemask", StringComparison.Ordinal));
        Assert.Contains("with_mask", page);
    }
}
