using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// The one rule for cutting a detected face out of a photo for the classifier: the detector's box
/// widened by <see cref="Widening"/> (BlazeFace's box stops at the brow and the lower lip; a mask on
/// the chin needs the chin), made square about its centre, and moved, then if need be shrunk, to
/// lie inside the photo. Training frames a quarter of its images the same way (the box widened by
/// up to 30%), and the robustness report's <c>detector_framing</c> row uses the same widening.
/// </summary>
public static class FaceCrop
{
    public const double Widening = 1.25;

    /// <summary>The crop of <paramref name="box"/> in a <paramref name="width"/> x <paramref name="height"/> photo, in whole pixels.</summary>
    public static Rect Square(Rect2f box, int width, int height)
    {
        var side = (int)Math.Round(Math.Max(box.Width, box.Height) * Widening);
        side = Math.Clamp(side, 1, Math.Min(width, height));
        var left = (int)Math.Round(box.X + (box.Width / 2) - (side / 2.0));
        var top = (int)Math.Round(box.Y + (box.Height / 2) - (side / 2.0));
        return new Rect(Math.Clamp(left, 0, width - side), Math.Clamp(top, 0, height - side), side, side);
    }
}
