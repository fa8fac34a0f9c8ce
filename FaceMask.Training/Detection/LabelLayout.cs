using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>Which of a label's two texts was placed: the full one, the brief one, or neither (the box alone then).</summary>
public enum LabelText
{
    Full,
    Brief,
    None,
}

/// <summary>Where a face's label goes on an annotated photo, and which text fits there.</summary>
public readonly record struct LabelPlace(Rect Area, LabelText Text);

/// <summary>
/// Where each face's label goes on an annotated photo: its full text above its box where there is
/// room, else below it, else inside its top edge, moved left to stay inside the photo. In a crowd,
/// where none of those is free, the brief text goes to the first of them that is, or a line at a
/// time down, then up, past labels already placed (a brief label near its face reads better than a
/// long one far away that covers other faces). Where nothing fits, the face keeps its box without
/// a label rather than hide another's: labels never cover one another. The page's script follows
/// the same rule (<c>wwwroot/js/check.js</c>).
/// </summary>
public static class LabelLayout
{
    public static LabelPlace[] Place(IReadOnlyList<(Rect Box, Size Label, Size ShortLabel)> items, int width, int height)
    {
        var placed = new List<Rect>(items.Count);
        var places = new LabelPlace[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var (box, label, shortLabel) = items[i];
            var area = FreeArea(box, label, width, height, placed, searchLines: false);
            var text = LabelText.Full;
            if (area is null)
            {
                (area, text) = (FreeArea(box, shortLabel, width, height, placed, searchLines: true), LabelText.Brief);
            }

            if (area is { } found)
            {
                placed.Add(found);
                places[i] = new LabelPlace(found, text);
            }
            else
            {
                places[i] = new LabelPlace(default, LabelText.None);
            }
        }

        return places;
    }

    /// <param name="searchLines">Whether to look beyond the three places next to the box, a line at a time.</param>
    private static Rect? FreeArea(Rect box, Size label, int width, int height, List<Rect> placed, bool searchLines)
    {
        if (label.Width > width || label.Height > height)
        {
            return null;
        }

        var x = Math.Clamp(box.X, 0, width - label.Width);
        var start = Math.Clamp(box.Y - label.Height, 0, height - label.Height);
        var lines = Enumerable.Range(1, searchLines ? height / label.Height : 0);
        var tops = new[] { box.Y - label.Height, box.Bottom, box.Y }
            .Concat(lines.Select(step => start + (step * label.Height)))
            .Concat(lines.Select(step => start - (step * label.Height)));
        foreach (var top in tops)
        {
            var area = new Rect(x, top, label.Width, label.Height);
            if (area.Y >= 0 && area.Bottom <= height && !placed.Any(p => p.IntersectsWith(area)))
            {
                return area;
            }
        }

        return null;
    }
}
