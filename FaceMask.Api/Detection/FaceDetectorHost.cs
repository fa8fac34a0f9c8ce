using FaceMask.Api.Infrastructure;
using FaceMask.Training.Detection;

namespace FaceMask.Api.Detection;

/// <summary>
/// The face detector, loaded once on first use from <c>Paths:FaceDetector</c> (ONNX Runtime
/// sessions are thread-safe, so every request shares it); null when the file is absent, and
/// detection then answers 503.
/// </summary>
public sealed class FaceDetectorHost(ServicePaths paths, ILogger<FaceDetectorHost> logger) : IDisposable
{
    /// <summary>What <c>detector</c> says in answers: the vendored model's name.</summary>
    public const string Name = "blazeface-front-128";

    private readonly Lazy<BlazeFaceDetector?> detector = new(() =>
    {
        if (!File.Exists(paths.FaceDetector))
        {
            logger.LogWarning("No face detector at {Path}: /api/detect answers 503", paths.FaceDetector);
            return null;
        }

        return new BlazeFaceDetector(paths.FaceDetector);
    });

    public FaceFinder? Finder => detector.Value is { } loaded ? new FaceFinder(loaded) : null;

    public void Dispose()
    {
        if (detector.IsValueCreated)
        {
            detector.Value?.Dispose();
        }
    }
}
