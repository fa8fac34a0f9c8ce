using FaceMask.Tests.Support;
using FaceMask.Training.Detection;

namespace FaceMask.Tests.Detection;

/// <summary>The vendored BlazeFace model, loaded once per test class.</summary>
public sealed class DetectorFixture : IDisposable
{
    public BlazeFaceDetector Detector { get; } = BlazeFaceDetector.Front(Path.Combine(RepositoryPaths.Root, "models"));

    public void Dispose() => Detector.Dispose();
}
