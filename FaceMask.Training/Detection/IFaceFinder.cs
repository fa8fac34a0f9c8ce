using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>Finds the faces of a whole photo: boxes and landmarks in the photo's pixels, most confident first.</summary>
public interface IFaceFinder : IDisposable
{
    /// <summary>Which detector with which settings, for answers and reports (<c>yunet_n_dynamic at 640 px</c>).</summary>
    string Description { get; }

    /// <summary>How much its box is widened to frame a face for the classifier (<see cref="FaceCrop"/>): its boxes and an annotator's differ.</summary>
    float CropWidening { get; }

    /// <summary>Faces at least <paramref name="minFace"/> pixels wide; <paramref name="minScore"/> null: the detector's calibrated default.</summary>
    IReadOnlyList<FaceDetection> Find(Mat bgr, int minFace = 16, float? minScore = null);
}

/// <summary>What every finder's callers share.</summary>
public static class FaceFinderExtensions
{
    /// <summary>The <paramref name="maxFaces"/> largest faces, largest first, and whether more were found.</summary>
    public static (IReadOnlyList<FaceDetection> Faces, bool Truncated) FindLargest(this IFaceFinder finder, Mat bgr, int minFace, int maxFaces, float? minScore = null)
    {
        var found = finder.Find(bgr, minFace, minScore).OrderByDescending(f => f.Box.Width * f.Box.Height).ToList();
        return (found.Take(maxFaces).ToList(), found.Count > maxFaces);
    }
}
