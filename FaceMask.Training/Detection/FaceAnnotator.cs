using FaceMask.Training.Common;
using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// Draws faces and verdicts onto a copy of a photo (<c>Accept: image/jpeg</c>, <c>detect --annotate</c>):
/// each box in its class's colour, its label written out ("no mask 94%"; "no mask? 62%" when the
/// verdict is uncertain; or only "94%" where a crowd
/// leaves no room) in one size for the whole photo, inside the photo and clear of the other labels
/// (<see cref="LabelLayout"/>).
/// </summary>
public static class FaceAnnotator
{
    public static byte[] Jpeg(Mat photo, IReadOnlyList<ClassifiedFace> faces)
    {
        using var canvas = photo.Clone();
        var (width, height) = (photo.Width, photo.Height);
        var thickness = Math.Max(1, Math.Min(width, height) / 300);
        var scale = Math.Clamp(Math.Min(width, height) / 700.0, 0.4, 1.5);
        // An uncertain verdict is marked "?" after its class.
        var labels = faces.Select(face => (Full: $"{MaskClasses.Label(face.Prediction)}{(face.Uncertain ? "?" : "")} {face.Confidence * 100:0}%", Short: $"{face.Confidence * 100:0}%{(face.Uncertain ? "?" : "")}")).ToList();
        Size Measure(string text)
        {
            var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, scale, 1, out var baseline);
            return new Size(size.Width + 4, size.Height + baseline + 4);
        }

        var boxes = faces.Select(face => new Rect((int)face.Box.X, (int)face.Box.Y, (int)face.Box.Width, (int)face.Box.Height)).ToList();
        var places = LabelLayout.Place(boxes.Select((box, i) => (box, Measure(labels[i].Full), Measure(labels[i].Short))).ToList(), width, height);
        for (var i = 0; i < faces.Count; i++)
        {
            var colour = Colour(faces[i].Prediction);
            Cv2.Rectangle(canvas, boxes[i], colour, thickness, LineTypes.AntiAlias);
            if (places[i].Text == LabelText.None)
            {
                continue;
            }

            var area = places[i].Area;
            Cv2.Rectangle(canvas, area, colour, -1);
            var text = places[i].Text == LabelText.Full ? labels[i].Full : labels[i].Short;
            Cv2.PutText(canvas, text, new Point(area.X + 2, area.Bottom - 4 - (int)(3 * scale)), HersheyFonts.HersheySimplex, scale, Scalar.White, 1, LineTypes.AntiAlias);
        }

        Cv2.ImEncode(".jpg", canvas, out var jpeg, [(int)ImwriteFlags.JpegQuality, 90]);
        return jpeg;
    }

    /// <summary>BGR, as the pages colour the classes: green with a mask, orange worn incorrectly, red without.</summary>
    private static Scalar Colour(string className) => className switch
    {
        MaskClasses.WithMask => new Scalar(55, 127, 26),
        MaskClasses.Incorrect => new Scalar(0, 89, 179),
        MaskClasses.WithoutMask => new Scalar(40, 40, 198),
        _ => new Scalar(85, 85, 85),
    };
}
