using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// Where each face's label goes on an annotated photo: above its box where there is room, else
/// below it, else inside its top edge; moved left to stay inside the photo; and moved down, a line at
/// a time, past labels already placed, so none covers another (crowds). The page's script follows
/// the same rule (<c>wwwroot/js/check.js</c>).
/// </summary>
public static class LabelLayout
{
    public static Rect[] Place(IReadOnlyList<(Rect Box, Size Label)> items, int width, int height)
    {
        var placed = new Rect[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var (box, label) = items[i];
            var x = Math.Clamp(box.X, 0, Math.Max(0, width - label.Width));
            Rect At(int y) => new(x, y, label.Width, label.Height);
            bool Free(Rect r) => r.Y >= 0 && r.Bottom <= height && !placed.Take(i).Any(p => p.IntersectsWith(r));
            var preferred = new[] { box.Y - label.Height, box.Bottom, box.Y }.Select(At).Where(Free).ToList();
            if (preferred.Count > 0)
            {
                placed[i] = preferred[0];
                continue;
            }

            var start = Math.Clamp(box.Y - label.Height, 0, Math.Max(0, height - label.Height));
            var free = Enumerable.Range(0, Math.Max(1, (height - start) / label.Height)).Select(step => At(start + (step * label.Height))).FirstOrDefault(Free);
            placed[i] = free == default ? At(start) : free;
        }

        return placed;
    }
}
