using FaceMask.Api.Infrastructure;

namespace FaceMask.Api.Datasets;

/// <summary>The labelled image folders: uploads into <c>DatasetNew/</c> (single files or zips), their checks and counts.</summary>
public static class DatasetsSetup
{
    public static IServiceCollection AddDatasets(this IServiceCollection services)
    {
        services.AddValidatedOptions<DatasetUploadOptions>(DatasetUploadOptions.Section);
        services.AddSingleton<DatasetStore>();
        services.AddSingleton<ClassLookalikes>();
        services.AddSingleton<LabelledUploadReader>();
        return services;
    }
}
