using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// The one rule for cutting a detected face out of a photo for the classifier: the detector's box
/// widened by the detector's own factor (<see cref="IFaceFinder.CropWidening"/>: its box and an
/// annotator's differ), made square about its centre, and moved, then if need be shrunk, to lie
/// inside the photo.
/// </summary>
public static class FaceCrop
{
    /// <summary>
    /// BlazeFace's: its box stops at the brow and the lower lip, and a mask on the chin needs the chin.
    /// Training frames a quarter of its images this way (the BlazeFace box widened by up to 30%), and
    /// the robustness report's <c>detector_framing</c> row uses this widening.
    /// </summary>
    public const float BlazeFaceWidening = 1.25f;

    /// <summary>An annotated box as it is, in whole pixels, clipped to the photo (the public dataset's crops are cut this way).</summary>
    public static Rect Exact(Rect2f box, int width, int height) =>
        new Rect((int)box.X, (int)box.Y, (int)Math.Ceiling(box.Width), (int)Math.Ceiling(box.Height)).Intersect(new Rect(0, 0, width, height));

    /// <summary>The crop of <paramref name="box"/> widened by <paramref name="widening"/> in a <paramref name="width"/> x <paramref name="height"/> photo, in whole pixels.</summary>
    public static Rect Square(Rect2f box, int width, int height, float widening)
    {
        var side = (int)Math.Round(Math.Max(box.Width, box.Height) * widening);
        side = Math.Clamp(side, 1, Math.Min(width, height));
        var left = (int)Math.Round(box.X + (box.Width / 2) - (side / 2.0));
        var top = (int)Math.Round(box.Y + (box.Height / 2) - (side / 2.0));
        return new Rect(Math.Clamp(left, 0, width - side), Math.Clamp(top, 0, height - side), side, side);
    }
}
