using OpenCvSharp;

namespace FaceMask.Training.Painting;

/// <summary>Things near the mouth that are not a mask: hard negatives for the no-mask class.</summary>
public enum Lookalike
{
    /// <summary>A collar, scarf or high neckline below the chin.</summary>
    Collar,

    /// <summary>A beard on the chin and jaw, the mouth left visible.</summary>
    Beard,

    /// <summary>A hand resting at the chin.</summary>
    Hand,
}

/// <summary>
/// Paints a look-alike of a mask onto a face without covering the mouth or nose: a collar or scarf,
/// a beard, a hand at the chin. Trained as <c>without_mask</c>, they stop a model from reading any
/// band of fabric or any change of colour low on the face as a mask.
/// </summary>
public static class LookalikePainter
{
    public static Lookalike Paint(Mat bgr, FaceGeometry face, Random random)
    {
        var kind = (Lookalike)random.Next(3);
        Paint(bgr, face, kind, random);
        return kind;
    }

    public static void Paint(Mat bgr, FaceGeometry face, Lookalike kind, Random random)
    {
        var (noseU, noseV) = face.ToFace(face.NoseTip);
        var (mouthU, mouthV) = face.ToFace(face.Mouth);
        mouthV = Math.Clamp(mouthV, Math.Clamp(noseV, 0.35, 0.95) + 0.2, Math.Clamp(noseV, 0.35, 0.95) + 0.75);
        var chinV = mouthV + 0.55;
        switch (kind)
        {
            case Lookalike.Collar:
                {
                    // A band of fabric from below the chin down past the bottom of the picture.
                    var style = MaskStyle.Random(random) with { Shape = MaskShape.Cloth };
                    var top = chinV + 0.12 + (random.NextDouble() * 0.25);
                    var vNeck = random.NextDouble() < 0.4 ? 0.35 : 0;
                    Point2f[] outline =
                    [
                        face.ToImage(noseU - 2.5, top + 0.15), face.ToImage(noseU - 0.7, top), face.ToImage(noseU, top + vNeck),
                    face.ToImage(noseU + 0.7, top), face.ToImage(noseU + 2.5, top + 0.15), face.ToImage(noseU + 2.5, top + 3), face.ToImage(noseU - 2.5, top + 3),
                ];
                    FaceLayer.Composite(bgr, face, [outline], (u, v) =>
                        FaceLayer.Scale(FaceLayer.Fabric(style, u, v), 1 - (0.25 * FaceLayer.Ridge(v, top, 0.06))), style.Softness, 1, random);
                    break;
                }

            case Lookalike.Beard:
                {
                    // Hair over the jaw and chin, around a clear mouth.
                    var hair = random.NextDouble() < 0.5 ? new Vec3f(30, 38, 52) : new Vec3f(60, 70, 90);
                    var top = mouthV - 0.2;
                    var outline = new List<Point2f>();
                    for (var i = 0; i <= 16; i++)
                    {
                        var angle = Math.PI * i / 16; // around the jaw, ear to ear
                        outline.Add(face.ToImage(mouthU - (0.8 * Math.Cos(angle)), top + ((chinV + 0.05 - top) * Math.Sin(angle))));
                    }

                    var mouth = new List<Point2f>();
                    for (var i = 0; i < 16; i++)
                    {
                        var angle = 2 * Math.PI * i / 16;
                        mouth.Add(face.ToImage(mouthU + (0.3 * Math.Cos(angle)), mouthV + (0.1 * Math.Sin(angle))));
                    }

                    var texture = random.Next();
                    FaceLayer.Composite(bgr, face, [[.. outline]], (u, v) =>
                    {
                        var inMouth = FaceLayer.Square((u - mouthU) / 0.3) + FaceLayer.Square((v - mouthV) / 0.11) < 1;
                        var strands = 0.75 + (0.5 * Hash(texture, (int)(u * 40), (int)(v * 12)));
                        return inMouth ? new Vec3f(float.NaN, 0, 0) : FaceLayer.Scale(hair, strands);
                    }, 1.2, 0.55 + (random.NextDouble() * 0.35), random);
                    break;
                }

            default:
                {
                    // A hand from below: palm under the chin, fingers up the jaw, in the face's own skin colour.
                    var skin = SkinColour(bgr, face);
                    var offset = (random.NextDouble() - 0.5) * 0.8;
                    var palm = Ellipse(face, noseU + offset, chinV + 0.35, 0.55, 0.35);
                    var fingers = Enumerable.Range(0, 4).Select(k => Ellipse(face, noseU + offset - 0.36 + (k * 0.24), chinV - 0.02, 0.1, 0.22)).ToList();
                    FaceLayer.Composite(bgr, face, [palm, .. fingers], (u, v) =>
                        FaceLayer.Scale(skin, 0.9 + (0.1 * Math.Cos((u - noseU - offset) * 26))), 1, 1, random);
                    break;
                }
        }
    }

    private static Point2f[] Ellipse(FaceGeometry face, double u, double v, double radiusU, double radiusV) =>
        Enumerable.Range(0, 20).Select(i => face.ToImage(u + (radiusU * Math.Cos(Math.PI * i / 10)), v + (radiusV * Math.Sin(Math.PI * i / 10)))).ToArray();

    /// <summary>The median colour of the cheeks, beside the nose: the face's skin, as lit.</summary>
    private static Vec3f SkinColour(Mat bgr, FaceGeometry face)
    {
        var samples = new List<Vec3b>();
        foreach (var side in new[] { -0.45, 0.45 })
        {
            var (_, noseV) = face.ToFace(face.NoseTip);
            var centre = face.ToImage(side, Math.Clamp(noseV, 0.35, 0.95));
            var radius = Math.Max(1, (int)(face.EyeDistance * 0.12));
            for (var y = (int)centre.Y - radius; y <= (int)centre.Y + radius; y++)
            {
                for (var x = (int)centre.X - radius; x <= (int)centre.X + radius; x++)
                {
                    if (x >= 0 && y >= 0 && x < bgr.Width && y < bgr.Height)
                    {
                        samples.Add(bgr.At<Vec3b>(y, x));
                    }
                }
            }
        }

        if (samples.Count == 0)
        {
            return new Vec3f(120, 150, 200);
        }

        float Median(Func<Vec3b, byte> channel) => samples.Select(channel).Order().ElementAt(samples.Count / 2);

        // Composite scales by the face's exposure again; undo it here so a dim face's hand is not doubly dim.
        var exposure = (float)FaceLayer.Exposure(bgr, face);
        return new Vec3f(Median(p => p.Item0) / exposure, Median(p => p.Item1) / exposure, Median(p => p.Item2) / exposure);
    }

    private static double Hash(int seed, int x, int y) => Common.Seeds.Mix(seed, x, y) / (double)int.MaxValue;
}
