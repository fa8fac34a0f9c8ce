using System.Diagnostics;
using FaceMask.Training.Imaging;
using FaceMask.Training.Models;

namespace FaceMask.Training.Detection;

/// <summary>The faces of annotated photos as <c>/api/detect</c> finds and classifies them, and the detector's CPU time.</summary>
public sealed record PhotoSearchResult(IReadOnlyList<PhotoResult> Photos, TimeSpan DetectorCpu);

/// <summary>
/// Every annotated photo through the detector and the classifier, one at a time, the way the
/// service does it (<see cref="FaceCrop"/> framing, the model's calibrated probabilities): what
/// <c>evaluate-detection</c> and <c>evaluate --photos</c> measure.
/// </summary>
public static class PhotoSearch
{
    /// <param name="cropWidening">The classifier's framing; null: the detector's own.</param>
    /// <param name="progress">Told after each photo.</param>
    public static PhotoSearchResult Run(
        IReadOnlyList<VocAnnotation> annotations, IFaceFinder finder, OnnxModel classifier, int minFace, float? minScore = null, float? cropWidening = null, Action? progress = null)
    {
        var results = new PhotoResult[annotations.Count];
        var detectorCpu = TimeSpan.Zero;
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < annotations.Count; i++)
        {
            using var photo = ImageDecoder.DecodeFile(annotations[i].ImagePath);
            // The photos are searched one at a time, so the process's CPU time across a search is the detector's (all its threads).
            process.Refresh();
            var before = process.TotalProcessorTime;
            var found = finder.Find(photo, minFace, minScore);
            process.Refresh();
            detectorCpu += process.TotalProcessorTime - before;
            results[i] = new PhotoResult(annotations[i].Faces, FaceClassifier.Classify(classifier, photo, found, cropWidening ?? finder.CropWidening));
            progress?.Invoke();
        }

        return new PhotoSearchResult(results, detectorCpu);
    }
}
