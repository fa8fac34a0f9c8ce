using FaceMask.Api.Infrastructure;
using FaceMask.Training.Detection;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Detection;

/// <summary>
/// The face detector of <c>/api/detect</c>, loaded once on first use from <c>Detection:Model</c>
/// (ONNX Runtime sessions are thread-safe, so every request shares it); null when the file is
/// absent, and detection then answers 503.
/// </summary>
public sealed class FaceDetectorHost(ServicePaths paths, IOptions<DetectionOptions> options, ILogger<FaceDetectorHost> logger) : IDisposable
{
    private readonly Lazy<IFaceFinder?> finder = new(() =>
    {
        var path = paths.Resolve(options.Value.Model);
        if (!File.Exists(path))
        {
            logger.LogWarning("No face detector at {Path}: /api/detect answers 503", path);
            return null;
        }

        return FaceFinders.OpenFile(path, options.Value.WorkingSide);
    });

    public IFaceFinder? Finder => finder.Value;

    public void Dispose()
    {
        if (finder.IsValueCreated)
        {
            finder.Value?.Dispose();
        }
    }
}
