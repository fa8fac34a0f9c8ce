using FaceMask.Api.Retraining;
using FaceMask.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceMask.Tests.Retraining;

/// <summary><c>Retraining:*</c> configures retraining; the section's old name <c>Training:*</c> still does; a bad architecture stops the start.</summary>
public class RetrainingOptionsTests
{
    [Fact]
    public void The_old_training_section_still_applies_and_the_new_one_wins_where_both_are_set()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Training:Epochs"] = "7",
            ["Training:MinImagesPerClass"] = "20",
            ["Retraining:MinImagesPerClass"] = "30",
        });

        Assert.Equal(7, options.Epochs);
        Assert.Equal(30, options.MinImagesPerClass);
        Assert.Equal(new RetrainingOptions().BatchSize, options.BatchSize);
    }

    [Fact]
    public void An_unknown_architecture_is_refused_when_the_options_are_read()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new Dictionary<string, string?> { ["Retraining:Architecture"] = "resnet-9000" }));

        Assert.Contains("Unknown architecture 'resnet-9000'", error.Message);
        Assert.Contains("facemask-wide", error.Message);
    }

    [Fact]
    public void An_unknown_architecture_stops_the_service_at_start_up_not_at_the_first_retrain()
    {
        using var directory = new TempDirectory();
        var error = Assert.ThrowsAny<Exception>(() => new ApiFactory(new Dictionary<string, string?>
        {
            ["Model:Path"] = TestModels.Write(directory.Path),
            ["Retraining:Architecture"] = "resnet-9000",
        }));

        Assert.Contains("Unknown architecture 'resnet-9000'", error.ToString());
    }

    private static RetrainingOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddRetraining(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<RetrainingOptions>>().Value;
    }
}
