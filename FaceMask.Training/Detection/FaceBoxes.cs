using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>Box arithmetic every detector shares: overlap, non-maximum suppression, and merging boxes nested in one another.</summary>
public static class FaceBoxes
{
    /// <summary>A box lying this much inside or around a more confident one is that face.</summary>
    public const float NestedOverlap = 0.6f;

    /// <summary>Overlap of two boxes: intersection over union, 0 to 1.</summary>
    public static float IntersectionOverUnion(Rect2f a, Rect2f b)
    {
        var inner = Intersection(a, b);
        return inner == 0 ? 0 : inner / ((a.Width * a.Height) + (b.Width * b.Height) - inner);
    }

    /// <summary>Hard non-maximum suppression: a detection overlapping a more confident kept one by more than <paramref name="overlap"/> IoU is dropped.</summary>
    public static List<FaceDetection> Suppress(IEnumerable<FaceDetection> candidates, float overlap)
    {
        var kept = new List<FaceDetection>();
        foreach (var face in candidates.OrderByDescending(c => c.Score))
        {
            if (!kept.Any(k => IntersectionOverUnion(face.Box, k.Box) > overlap))
            {
                kept.Add(face);
            }
        }

        return kept;
    }

    /// <summary>
    /// Drops a box lying mostly (<see cref="NestedOverlap"/> of the smaller one) inside or around a
    /// more confident one: a forehead inside a face, a face inside a head-and-shoulders box, or one
    /// face seen at two scales (a 16 px box inside a 30 px one overlaps it by only 0.28 IoU).
    /// </summary>
    public static List<FaceDetection> Merge(IEnumerable<FaceDetection> faces)
    {
        var kept = new List<FaceDetection>();
        foreach (var face in faces.OrderByDescending(f => f.Score))
        {
            if (!kept.Any(k => OverlapOfSmaller(face.Box, k.Box) >= NestedOverlap))
            {
                kept.Add(face);
            }
        }

        return kept;
    }

    private static float OverlapOfSmaller(Rect2f a, Rect2f b)
    {
        var inner = Intersection(a, b);
        return inner == 0 ? 0 : inner / Math.Min(a.Width * a.Height, b.Width * b.Height);
    }

    private static float Intersection(Rect2f a, Rect2f b)
    {
        var width = Math.Min(a.Right, b.Right) - Math.Max(a.Left, b.Left);
        var height = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Top, b.Top);
        return width <= 0 || height <= 0 ? 0 : width * height;
    }
}
