using FaceMask.Api.Infrastructure;

namespace FaceMask.Api.Detection;

/// <summary>Detection: the shared face detector and the detect pipeline.</summary>
public static class DetectionSetup
{
    public static IServiceCollection AddFaceDetection(this IServiceCollection services)
    {
        services.AddValidatedOptions<DetectionOptions>(DetectionOptions.Section);
        services.AddSingleton<FaceDetectorHost>();
        services.AddSingleton<DetectionService>();
        return services;
    }
}
