using FaceMask.Training.Common;
using OpenCvSharp;

namespace FaceMask.Training.Painting;

/// <summary>Where a painted mask went: its outline in image pixels, and the features it covers by construction.</summary>
public sealed record PaintedMask(MaskPosition Position, MaskStyle Style, Point2f[] Outline);

/// <summary>
/// Paints a face mask onto a face photo: a surgical, cloth or KN95-style mask over the nose
/// (worn correctly), below the nose or on the chin (worn incorrectly), with the style's colour
/// or print, folds, cylinder shading, soft edges and ear straps. The outline is laid out in face
/// coordinates from the face's keypoints (<see cref="FaceGeometry"/>), so it follows the face's
/// size, roll and turn; its top and bottom come from where the nose tip, mouth and chin are.
/// Deterministic for the random generator's seed.
/// </summary>
public static class MaskPainter
{
    /// <summary>The class a position makes: a mask over the nose is worn correctly, anything lower is not.</summary>
    public static string ClassName(MaskPosition position) => position == MaskPosition.OverNose ? MaskClasses.WithMask : MaskClasses.Incorrect;

    /// <summary>Paints a mask of a random style at <paramref name="position"/>.</summary>
    public static PaintedMask Paint(Mat bgr, FaceGeometry face, MaskPosition position, Random random) =>
        Paint(bgr, face, position, MaskStyle.Random(random), random);

    public static PaintedMask Paint(Mat bgr, FaceGeometry face, MaskPosition position, MaskStyle style, Random random)
    {
        var layout = Layout(face, position, style.Shape, random);
        var outline = Outline(face, layout, style.Shape, position);
        var lightSide = (random.NextDouble() * 0.3) - 0.15;
        var fold = style.Shape == MaskShape.Surgical ? 3 : 0;
        FaceLayer.Composite(bgr, face, [outline], (u, v) =>
        {
            var across = (u - layout.Centre) / layout.TopHalfWidth; // -1 .. 1 from side to side
            var down = (v - layout.Top) / (layout.Bottom - layout.Top); // 0 at the top edge, 1 at the bottom
            var shade = 1 - (0.28 * across * across) + (lightSide * across);
            switch (style.Shape)
            {
                case MaskShape.Surgical:
                    for (var k = 1; k <= fold; k++)
                    {
                        // A pleat: a dark crease with a lit edge just below it.
                        var at = (k / (fold + 1.0)) + 0.05;
                        shade *= 1 - (0.22 * FaceLayer.Ridge(down, at, 0.035)) + (0.08 * FaceLayer.Ridge(down, at + 0.06, 0.03));
                    }

                    shade *= 1 + (0.06 * FaceLayer.Ridge(down, 0.03, 0.04)); // the nose wire's hem
                    break;
                case MaskShape.Respirator:
                    shade *= (across < 0 ? 0.93 : 1.02) * (1 - (0.2 * FaceLayer.Ridge(across, 0, 0.05)));
                    break;
                case MaskShape.Cloth:
                    shade *= 1 - (0.15 * FaceLayer.Ridge(across, 0, 0.03));
                    break;
            }

            shade *= 1 - (0.12 * down * down); // the underside of the chin is in shadow
            return FaceLayer.Scale(FaceLayer.Fabric(style, u, v), shade);
        }, style.Softness, 0.98, random);

        if (style.Straps)
        {
            DrawStraps(bgr, face, layout, style, random);
        }

        return new PaintedMask(position, style, outline);
    }

    /// <summary>The outline a mask at <paramref name="position"/> would have, in image pixels, without randomness: for checks and drawings.</summary>
    public static Point2f[] Outline(FaceGeometry face, MaskPosition position, MaskShape shape) =>
        Outline(face, Layout(face, position, shape, random: null), shape, position);

    /// <summary>The mask's extent in face coordinates.</summary>
    internal sealed record MaskLayout(double Top, double Bottom, double TopHalfWidth, double BottomHalfWidth, double Centre, double Turn);

    internal static MaskLayout Layout(FaceGeometry face, MaskPosition position, MaskShape shape, Random? random)
    {
        var (noseU, noseV) = face.ToFace(face.NoseTip);
        var (_, mouthV) = face.ToFace(face.Mouth);

        // Detectors misplace points now and then; keep them in the ranges real faces have.
        noseV = Math.Clamp(noseV, 0.35, 0.95);
        mouthV = Math.Clamp(mouthV, noseV + 0.2, noseV + 0.75);
        var chinV = mouthV + 0.55;
        double Jitter(double range) => random is null ? 0 : ((random.NextDouble() * 2) - 1) * range;

        // Below the nose the top edge clears the nose tip (and the nostrils under it) and still covers the lips.
        var (top, bottom, topWidth, bottomWidth) = position switch
        {
            MaskPosition.OverNose => (0.45 * noseV, chinV + 0.1, 1.0, 0.6),
            MaskPosition.BelowNose => (noseV + Math.Max(0.12, 0.35 * (mouthV - noseV)), chinV + 0.15, 0.95, 0.6),
            _ => (mouthV + 0.24, chinV + 0.4, 0.85, 0.55),
        };
        if (shape == MaskShape.Cloth)
        {
            bottom += 0.05;
        }

        // A turned face: the nose tip moves off the eyes' midpoint; the far side of the face narrows.
        var turn = Math.Clamp(noseU, -0.35, 0.35);
        return new MaskLayout(top + Math.Abs(Jitter(0.04)) * (position == MaskPosition.OverNose ? -1 : 1), bottom + Jitter(0.05), topWidth + Jitter(0.06), bottomWidth + Jitter(0.05), noseU, turn);
    }

    internal static Point2f[] Outline(FaceGeometry face, MaskLayout layout, MaskShape shape, MaskPosition position)
    {
        const int Steps = 10;
        var height = layout.Bottom - layout.Top;
        var (leftScale, rightScale) = (1 + (1.5 * layout.Turn), 1 - (1.5 * layout.Turn));

        // Half-width of the mask at a fraction of its height, on one side (-1 left, +1 right).
        double HalfWidth(double t, int side)
        {
            var width = shape switch
            {
                MaskShape.Cloth => layout.TopHalfWidth + ((layout.BottomHalfWidth - layout.TopHalfWidth) * Math.Pow(t, 1.3)),
                MaskShape.Respirator => layout.TopHalfWidth + ((layout.BottomHalfWidth - layout.TopHalfWidth) * t),
                _ => layout.TopHalfWidth + ((layout.BottomHalfWidth - layout.TopHalfWidth) * Math.Pow(t, 2)),
            };
            return width * (side < 0 ? leftScale : rightScale);
        }

        double Centre(double t) => layout.Centre * (1 - (0.35 * t));

        // Vertical offsets of the top and bottom edges at a point across (-1 .. 1). Over the nose the
        // top rises to a ridge on the nose bridge; lower down it hangs flat, under the nose or the lip.
        double TopEdge(double x) => (shape, position) switch
        {
            (MaskShape.Respirator, MaskPosition.OverNose) => -0.12 * (1 - Math.Abs(x)),
            (_, MaskPosition.OverNose) => -0.07 * (1 - (x * x)),
            _ => 0.03 * x * x,
        };
        double BottomEdge(double x) => shape switch
        {
            MaskShape.Respirator => -0.3 * Math.Abs(x),
            MaskShape.Cloth => -0.3 * x * x,
            _ => -0.12 * x * x,
        };

        var points = new List<Point2f>();
        for (var i = 0; i <= Steps; i++)
        {
            var x = -1 + (2.0 * i / Steps);
            var u = Centre(0) + (x * HalfWidth(0, Math.Sign(x)));
            points.Add(face.ToImage(u, layout.Top + (TopEdge(x) * height)));
        }

        for (var i = 1; i < Steps; i++)
        {
            var t = (double)i / Steps;
            points.Add(face.ToImage(Centre(t) + HalfWidth(t, 1), layout.Top + (t * height)));
        }

        for (var i = Steps; i >= 0; i--)
        {
            var x = -1 + (2.0 * i / Steps);
            var u = Centre(1) + (x * HalfWidth(1, Math.Sign(x)));
            points.Add(face.ToImage(u, layout.Bottom + (BottomEdge(x) * height)));
        }

        for (var i = Steps - 1; i > 0; i--)
        {
            var t = (double)i / Steps;
            points.Add(face.ToImage(Centre(t) - HalfWidth(t, -1), layout.Top + (t * height)));
        }

        return [.. points];
    }

    private static void DrawStraps(Mat bgr, FaceGeometry face, MaskLayout layout, MaskStyle style, Random random)
    {
        var colour = random.NextDouble() < 0.6 ? new Scalar(235, 235, 235) : style.Colour;
        var exposure = FaceLayer.Exposure(bgr, face);
        colour = new Scalar(colour.Val0 * exposure, colour.Val1 * exposure, colour.Val2 * exposure);
        var thickness = Math.Max(1, (int)Math.Round(face.EyeDistance * 0.045));
        var (leftEarU, leftEarV) = face.ToFace(face.ImageLeftEar);
        var (rightEarU, rightEarV) = face.ToFace(face.ImageRightEar);

        // The detector's ear points are rough; keep them beside the face, at about eye height.
        leftEarU = Math.Clamp(leftEarU, -1.4, -0.9);
        rightEarU = Math.Clamp(rightEarU, 0.9, 1.4);
        leftEarV = Math.Clamp(leftEarV, 0.1, 0.6);
        rightEarV = Math.Clamp(rightEarV, 0.1, 0.6);
        var height = layout.Bottom - layout.Top;
        foreach (var (side, earU, earV) in new[] { (-1, leftEarU, leftEarV), (1, rightEarU, rightEarV) })
        {
            var scale = side < 0 ? 1 + (1.5 * layout.Turn) : 1 - (1.5 * layout.Turn);
            foreach (var t in new[] { 0.12, 0.8 })
            {
                var width = layout.TopHalfWidth + ((layout.BottomHalfWidth - layout.TopHalfWidth) * t * t);
                var start = face.ToImage(layout.Centre + (side * width * scale * 0.97), layout.Top + (t * height));
                var end = face.ToImage(earU, earV + (t * 0.15));
                Cv2.Line(bgr, ToPoint(start), ToPoint(end), colour, thickness, LineTypes.AntiAlias, 4);
            }
        }
    }

    private static Point ToPoint(Point2f p) => new(p.X * 16, p.Y * 16);
}
