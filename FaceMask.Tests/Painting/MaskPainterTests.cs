using FaceMask.Training.Painting;
using FaceMask.Training.Synthetic;
using OpenCvSharp;

namespace FaceMask.Tests.Painting;

/// <summary>The mask painter on drawn no-mask faces whose features are known exactly.</summary>
public class MaskPainterTests
{
    [Fact]
    public void Painting_is_deterministic_for_a_seed_and_varies_between_seeds()
    {
        var (face, geometry) = DrawnFace(seed: 5);
        using (face)
        {
            using var first = face.Clone();
            using var again = face.Clone();
            using var other = face.Clone();
            MaskPainter.Paint(first, geometry, MaskPosition.OverNose, new Random(1));
            MaskPainter.Paint(again, geometry, MaskPosition.OverNose, new Random(1));
            MaskPainter.Paint(other, geometry, MaskPosition.OverNose, new Random(2));

            Assert.Equal(Bytes(first), Bytes(again));
            Assert.NotEqual(Bytes(first), Bytes(other));
        }
    }

    [Theory]
    [InlineData(MaskPosition.OverNose, true, true)]
    [InlineData(MaskPosition.BelowNose, false, true)]
    [InlineData(MaskPosition.OnChin, false, false)]
    public void The_mask_covers_what_its_position_says_and_leaves_the_rest(MaskPosition position, bool coversNose, bool coversMouth)
    {
        for (var seed = 0; seed < 12; seed++)
        {
            var (face, geometry) = DrawnFace(seed);
            using (face)
            {
                using var painted = face.Clone();
                var mask = MaskPainter.Paint(painted, geometry, position, new Random(seed));
                var chin = geometry.ToImage(geometry.ToFace(geometry.Mouth).U, geometry.ToFace(geometry.Mouth).V + 0.5);

                Assert.Equal(coversNose, Inside(mask.Outline, geometry.NoseTip));
                Assert.Equal(coversMouth, Inside(mask.Outline, geometry.Mouth));
                Assert.True(Inside(mask.Outline, chin), $"seed {seed}: every position covers the chin");
                Assert.False(Inside(mask.Outline, geometry.ImageLeftEye) || Inside(mask.Outline, geometry.ImageRightEye), $"seed {seed}: a mask never covers the eyes");

                // The pixels agree with the outline: changed where it says covered, untouched where not.
                Assert.Equal(coversNose, Changed(face, painted, geometry.NoseTip));
                Assert.Equal(coversMouth, Changed(face, painted, geometry.Mouth));
                Assert.False(Changed(face, painted, geometry.ImageLeftEye) || Changed(face, painted, geometry.ImageRightEye));
            }
        }
    }

    [Fact]
    public void The_mask_follows_the_face_when_it_moves_and_turns()
    {
        var (face, geometry) = DrawnFace(seed: 3);
        using (face)
        {
            var outline = MaskPainter.Outline(geometry, MaskPosition.OverNose, MaskShape.Surgical);

            // The same face rotated 20 degrees about the image centre: the outline rotates with it.
            var centre = new Point2f(face.Width / 2f, face.Height / 2f);
            Point2f Rotate(Point2f p)
            {
                var (cos, sin) = (Math.Cos(20 * Math.PI / 180), Math.Sin(20 * Math.PI / 180));
                var (x, y) = (p.X - centre.X, p.Y - centre.Y);
                return new Point2f((float)(centre.X + (x * cos) - (y * sin)), (float)(centre.Y + (x * sin) + (y * cos)));
            }

            var rotated = geometry with
            {
                ImageLeftEye = Rotate(geometry.ImageLeftEye),
                ImageRightEye = Rotate(geometry.ImageRightEye),
                NoseTip = Rotate(geometry.NoseTip),
                Mouth = Rotate(geometry.Mouth),
                ImageLeftEar = Rotate(geometry.ImageLeftEar),
                ImageRightEar = Rotate(geometry.ImageRightEar),
            };
            var turned = MaskPainter.Outline(rotated, MaskPosition.OverNose, MaskShape.Surgical);
            Assert.All(outline.Zip(turned), pair => Assert.True(Distance(Rotate(pair.First), pair.Second) < 0.5, "outline vertex did not rotate with the face"));
        }
    }

    [Theory]
    [InlineData(Lookalike.Collar)]
    [InlineData(Lookalike.Beard)]
    [InlineData(Lookalike.Hand)]
    public void Lookalikes_change_the_lower_face_but_never_cover_nose_or_mouth(Lookalike kind)
    {
        var changedSomewhere = 0;
        for (var seed = 0; seed < 8; seed++)
        {
            var (face, geometry) = DrawnFace(seed);
            using (face)
            {
                using var painted = face.Clone();
                LookalikePainter.Paint(painted, geometry, kind, new Random(seed));
                Assert.False(Changed(face, painted, geometry.NoseTip), $"seed {seed}: {kind} covered the nose");
                Assert.False(Changed(face, painted, geometry.Mouth), $"seed {seed}: {kind} covered the mouth");
                using var difference = new Mat();
                Cv2.Absdiff(face, painted, difference);
                changedSomewhere += Cv2.Mean(difference).Val0 > 0.5 ? 1 : 0;
            }
        }

        Assert.True(changedSomewhere >= 6, $"{kind} changed only {changedSomewhere} of 8 faces");
    }

    [Fact]
    public void Paints_make_the_classes_their_positions_mean()
    {
        Assert.Equal("with_mask", FacePainting.ClassName(FacePaint.OverNose));
        Assert.Equal("mask_weared_incorrect", FacePainting.ClassName(FacePaint.BelowNose));
        Assert.Equal("mask_weared_incorrect", FacePainting.ClassName(FacePaint.OnChin));
        Assert.Equal("without_mask", FacePainting.ClassName(FacePaint.Lookalike));
    }

    /// <summary>A drawn no-mask face (128 px, varied pose) and its exact geometry; ears beside the eyes, where the drawing has none.</summary>
    internal static (Mat Face, FaceGeometry Geometry) DrawnFace(int seed)
    {
        var (image, landmarks) = SyntheticFaces.DrawWithLandmarks(MaskState.None, seed, 128);
        var eyeLine = new Point2f(landmarks.ImageRightEye.X - landmarks.ImageLeftEye.X, landmarks.ImageRightEye.Y - landmarks.ImageLeftEye.Y);
        var box = new Rect2f(landmarks.ImageLeftEye.X - eyeLine.X, landmarks.ImageLeftEye.Y - eyeLine.X, eyeLine.X * 3, eyeLine.X * 3);
        var geometry = new FaceGeometry(box, landmarks.ImageLeftEye, landmarks.ImageRightEye, landmarks.NoseTip, landmarks.Mouth,
            new Point2f(landmarks.ImageLeftEye.X - (0.6f * eyeLine.X), landmarks.ImageLeftEye.Y - (0.6f * eyeLine.Y)),
            new Point2f(landmarks.ImageRightEye.X + (0.6f * eyeLine.X), landmarks.ImageRightEye.Y + (0.6f * eyeLine.Y)), Detected: false);
        return (image, geometry);
    }

    private static bool Inside(Point2f[] outline, Point2f point) => Cv2.PointPolygonTest(outline, point, measureDist: false) > 0;

    /// <summary>Whether the 3x3 pixels around a point changed noticeably (a mask edge's soft fringe is a pixel or two).</summary>
    private static bool Changed(Mat before, Mat after, Point2f point)
    {
        var region = new Rect((int)point.X - 1, (int)point.Y - 1, 3, 3);
        using var difference = new Mat();
        Cv2.Absdiff(new Mat(before, region), new Mat(after, region), difference);
        var mean = Cv2.Mean(difference);
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3 > 12;
    }

    private static byte[] Bytes(Mat image) => image.AsSpan<byte>().ToArray();

    private static double Distance(Point2f a, Point2f b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));
}
