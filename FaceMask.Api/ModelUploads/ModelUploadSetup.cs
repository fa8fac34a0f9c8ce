namespace FaceMask.Api.ModelUploads;

public static class ModelUploadSetup
{
    public static IServiceCollection AddModelUploads(this IServiceCollection services)
    {
        services.AddOptions<ModelUploadOptions>().BindConfiguration(ModelUploadOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ModelUploadService>();
        return services;
    }
}
