using FaceMask.Training.Common;
using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// Draws faces and verdicts onto a copy of a photo (<c>Accept: image/jpeg</c>, <c>detect --annotate</c>):
/// each box in its class's colour, its label written out ("no mask 94%") in one size for the whole
/// photo, inside the photo and clear of the other labels (<see cref="LabelLayout"/>).
/// </summary>
public static class FaceAnnotator
{
    public static byte[] Jpeg(Mat photo, IReadOnlyList<ClassifiedFace> faces)
    {
        using var canvas = photo.Clone();
        var (width, height) = (photo.Width, photo.Height);
        var thickness = Math.Max(1, Math.Min(width, height) / 300);
        var scale = Math.Clamp(Math.Min(width, height) / 700.0, 0.4, 1.5);
        var labels = faces.Select(face => $"{MaskClasses.Label(face.Prediction)} {face.Confidence * 100:0}%").ToList();
        var items = faces.Select((face, i) =>
        {
            var size = Cv2.GetTextSize(labels[i], HersheyFonts.HersheySimplex, scale, 1, out var baseline);
            var box = new Rect((int)face.Box.X, (int)face.Box.Y, (int)face.Box.Width, (int)face.Box.Height);
            return (Box: box, Label: new Size(Math.Min(width, size.Width + 4), size.Height + baseline + 4));
        }).ToList();
        var places = LabelLayout.Place(items, width, height);
        for (var i = 0; i < faces.Count; i++)
        {
            var colour = Colour(faces[i].Prediction);
            Cv2.Rectangle(canvas, items[i].Box, colour, thickness, LineTypes.AntiAlias);
            Cv2.Rectangle(canvas, places[i], colour, -1);
            Cv2.PutText(canvas, labels[i], new Point(places[i].X + 2, places[i].Bottom - 4 - (int)(3 * scale)), HersheyFonts.HersheySimplex, scale, Scalar.White, 1, LineTypes.AntiAlias);
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
