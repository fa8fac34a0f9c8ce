using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>One photo's annotated faces and what was found in it (with the classifier's verdicts).</summary>
public sealed record PhotoResult(IReadOnlyList<AnnotatedFace> Truth, IReadOnlyList<ClassifiedFace> Found);

/// <summary>Recall of annotated faces in one size range (box width in pixels).</summary>
/// <param name="ByClass">The recall of each class's faces in this size range: are masked faces found as often as bare ones?</param>
public sealed record SizeRecall(string Size, int Faces, int Found, double Recall, IReadOnlyDictionary<string, double> ByClass);

/// <summary>Found faces split by whether the classifier's training set holds a near-identical crop of them.</summary>
public sealed record SeenSplit(int SeenFaces, double SeenAccuracy, int UnseenFaces, double UnseenAccuracy);

/// <summary>
/// Detection figures over annotated photos: recall by face size (under 16, 16-32, 32 px and over)
/// and by class, and precision, at a lenient overlap (IoU 0.3: annotators and detectors draw face
/// boxes differently); average precision at IoU 0.5 (VOC, all points); and the 3-class accuracy of
/// the faces that were found; and how wide the detector's boxes are against the annotated ones
/// (the median of detected / annotated width over matched faces).
/// </summary>
public sealed record DetectionReport(
    int Photos,
    int Faces,
    int Detections,
    double MatchIoU,
    double Precision,
    double Recall,
    IReadOnlyList<SizeRecall> RecallBySize,
    IReadOnlyDictionary<string, double> RecallByClass,
    double AveragePrecision50,
    int Classified,
    double ClassAccuracy,
    double MedianBoxRatio)
{
    /// <summary>The 3-class accuracy of found faces a training set holds a near-identical crop of, and of the others (null when not checked).</summary>
    public SeenSplit? Seen { get; init; }

    /// <summary>Which detector and settings found the faces (set by the caller).</summary>
    public string Detector { get; init; } = string.Empty;

    /// <summary>The detector's CPU time per photo, all its threads (set by the caller).</summary>
    public double DetectionCpuMilliseconds { get; init; }

    public static DetectionReport Compute(IReadOnlyList<PhotoResult> photos, double matchIoU = 0.3)
    {
        var faces = photos.Sum(p => p.Truth.Count);
        var detections = photos.Sum(p => p.Found.Count);
        var matched = photos.Select(p => Match(p, matchIoU)).ToList();
        var truePositives = matched.Sum(m => m.Count);

        var buckets = new (string Name, float Min, float Max)[] { ("<16", 0, 16), ("16-32", 16, 32), (">=32", 32, float.MaxValue) };
        var bySize = buckets.Select(b =>
        {
            var inBucket = photos.SelectMany((p, i) => p.Truth.Select((t, k) => (t, Found: matched[i].ContainsKey(k)))).Where(x => x.t.Box.Width >= b.Min && x.t.Box.Width < b.Max).ToList();
            var byClass = inBucket.GroupBy(x => x.t.Class).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (double)g.Count(x => x.Found) / g.Count());
            return new SizeRecall(b.Name, inBucket.Count, inBucket.Count(x => x.Found), inBucket.Count == 0 ? 0 : (double)inBucket.Count(x => x.Found) / inBucket.Count, byClass);
        }).ToList();
        var byClass = photos.SelectMany((p, i) => p.Truth.Select((t, k) => (t.Class, Found: matched[i].ContainsKey(k))))
            .GroupBy(x => x.Class)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (double)g.Count(x => x.Found) / g.Count());
        var pairs = photos.SelectMany((p, i) => matched[i].Select(m => (Truth: p.Truth[m.Key].Class, Predicted: p.Found[m.Value].Prediction, p.Truth[m.Key].Seen))).ToList();
        double Accuracy(IReadOnlyCollection<(string Truth, string Predicted, bool? Seen)> some) => some.Count == 0 ? 0 : (double)some.Count(p => p.Truth == p.Predicted) / some.Count;
        var seen = pairs.Where(p => p.Seen == true).ToList();
        var unseen = pairs.Where(p => p.Seen == false).ToList();

        return new DetectionReport(
            photos.Count,
            faces,
            detections,
            matchIoU,
            detections == 0 ? 0 : (double)truePositives / detections,
            faces == 0 ? 0 : (double)truePositives / faces,
            bySize,
            byClass,
            AveragePrecision(photos, 0.5),
            pairs.Count,
            pairs.Count == 0 ? 0 : (double)pairs.Count(p => p.Truth == p.Predicted) / pairs.Count,
            Median(photos.SelectMany((p, i) => matched[i].Select(m => (double)p.Found[m.Value].Box.Width / p.Truth[m.Key].Box.Width)).ToList()))
        {
            Seen = seen.Count + unseen.Count == 0 ? null : new SeenSplit(seen.Count, Accuracy(seen), unseen.Count, Accuracy(unseen)),
        };
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    /// <summary>Greedy matching, most confident detection first: annotated face index to detection index.</summary>
    public static Dictionary<int, int> Match(PhotoResult photo, double threshold) =>
        Match(photo.Truth, photo.Found.Select(f => (ToRect(f.Box), f.DetectionConfidence)).ToList(), threshold);

    /// <summary><see cref="Match(PhotoResult, double)"/> for detections not yet classified.</summary>
    public static Dictionary<int, int> Match(IReadOnlyList<AnnotatedFace> truth, IReadOnlyList<(Rect2f Box, float Score)> found, double threshold)
    {
        var matches = new Dictionary<int, int>();
        foreach (var d in Enumerable.Range(0, found.Count).OrderByDescending(d => found[d].Score))
        {
            var box = found[d].Box;
            var best = Enumerable.Range(0, truth.Count).Where(t => !matches.ContainsKey(t))
                .Select(t => (t, IoU: FaceBoxes.IntersectionOverUnion(box, truth[t].Box)))
                .Where(x => x.IoU >= threshold)
                .OrderByDescending(x => x.IoU)
                .FirstOrDefault((-1, 0));
            if (best.Item1 >= 0)
            {
                matches[best.Item1] = d;
            }
        }

        return matches;
    }

    /// <summary>VOC average precision (area under the precision envelope, all points) at an IoU threshold.</summary>
    private static double AveragePrecision(IReadOnlyList<PhotoResult> photos, double threshold)
    {
        var faces = photos.Sum(p => p.Truth.Count);
        if (faces == 0)
        {
            return 0;
        }

        var ranked = photos.SelectMany((p, i) => p.Found.Select(f => (Photo: i, Face: f))).OrderByDescending(x => x.Face.DetectionConfidence).ToList();
        var taken = photos.Select(p => new bool[p.Truth.Count]).ToArray();
        var (truePositives, precisions, recalls) = (0, new List<double>(), new List<double>());
        for (var r = 0; r < ranked.Count; r++)
        {
            var (photo, face) = ranked[r];
            var box = ToRect(face.Box);
            var truth = photos[photo].Truth;
            var best = Enumerable.Range(0, truth.Count).Where(t => !taken[photo][t]).Select(t => (t, IoU: FaceBoxes.IntersectionOverUnion(box, truth[t].Box))).Where(x => x.IoU >= threshold).OrderByDescending(x => x.IoU).FirstOrDefault((-1, 0));
            if (best.Item1 >= 0)
            {
                taken[photo][best.Item1] = true;
                truePositives++;
            }

            precisions.Add((double)truePositives / (r + 1));
            recalls.Add((double)truePositives / faces);
        }

        // The envelope: the best precision at this recall or any higher one.
        for (var r = precisions.Count - 2; r >= 0; r--)
        {
            precisions[r] = Math.Max(precisions[r], precisions[r + 1]);
        }

        double area = 0, previousRecall = 0;
        for (var r = 0; r < ranked.Count; r++)
        {
            area += (recalls[r] - previousRecall) * precisions[r];
            previousRecall = recalls[r];
        }

        return area;
    }

    private static Rect2f ToRect(FaceBox box) => new(box.X, box.Y, box.Width, box.Height);
}
