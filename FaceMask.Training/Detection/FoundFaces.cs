using FaceMask.Training.Evaluation;

namespace FaceMask.Training.Detection;

/// <summary>The classifier judged on the faces of annotated photos that the detector found: what <c>/api/detect</c>'s users get.</summary>
public static class FoundFaces
{
    /// <summary>
    /// Per-class figures and the calibration error over every annotated face a detection matched
    /// (IoU 0.3, <see cref="DetectionReport.Match(PhotoResult, double)"/>); annotated classes the model does not know are
    /// left out. Faces the detector missed are not in it: <c>evaluate-detection</c> reports those.
    /// </summary>
    public static PhotoFigures Evaluate(IReadOnlyList<PhotoResult> photos, IReadOnlyList<string> classes, string detector)
    {
        var (labels, outputs) = (new List<int>(), new List<float[]>());
        foreach (var photo in photos)
        {
            foreach (var (truth, found) in DetectionReport.Match(photo, 0.3))
            {
                var label = IndexOf(classes, photo.Truth[truth].Class);
                if (label >= 0)
                {
                    labels.Add(label);
                    outputs.Add(classes.Select(c => photo.Found[found].Probabilities.GetValueOrDefault(c)).ToArray());
                }
            }
        }

        var report = ClassificationReport.Compute(classes, labels, outputs.Select(Probabilities.ArgMax).ToArray());
        report = report.WithConfidence(outputs, labels);
        return new PhotoFigures(detector, photos.Count, photos.Sum(p => p.Truth.Count), labels.Count, report);
    }

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (var c = 0; c < classes.Count; c++)
        {
            if (classes[c] == name)
            {
                return c;
            }
        }

        return -1;
    }
}
