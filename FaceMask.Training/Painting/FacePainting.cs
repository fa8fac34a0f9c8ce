using FaceMask.Training.Common;
using FaceMask.Training.Detection;
using OpenCvSharp;

namespace FaceMask.Training.Painting;

/// <summary>What to paint onto a no-mask face: a mask at one of its positions, or a look-alike that is not a mask.</summary>
public enum FacePaint
{
    OverNose,
    BelowNose,
    OnChin,
    Lookalike,
}

/// <summary>
/// Turns no-mask faces into labelled examples of every class: a mask over the nose makes
/// <c>with_mask</c>, below the nose or on the chin <c>mask_weared_incorrect</c>, a look-alike stays
/// <c>without_mask</c>. One code path for training (on the fly), <c>facemask synthesize</c> and the
/// robustness report's painted rows.
/// </summary>
public static class FacePainting
{
    /// <summary>Painting needs the three classes it paints into.</summary>
    public static bool Supports(IReadOnlyList<string> classes) =>
        MaskClasses.All.All(classes.Contains);

    /// <summary>The class a paint makes.</summary>
    public static string ClassName(FacePaint paint) => paint switch
    {
        FacePaint.OverNose => MaskClasses.WithMask,
        FacePaint.Lookalike => MaskClasses.WithoutMask,
        _ => MaskClasses.Incorrect,
    };

    /// <summary>
    /// A paint drawn with training's mix: correct and incorrect masks about equally (the incorrect
    /// class needs the new faces most; chin cases are rare in the dataset), some look-alikes.
    /// </summary>
    public static FacePaint Choose(Random random) => random.NextDouble() switch
    {
        < 0.35 => FacePaint.OverNose,
        < 0.6 => FacePaint.BelowNose,
        < 0.85 => FacePaint.OnChin,
        _ => FacePaint.Lookalike,
    };

    /// <summary>Paints onto <paramref name="bgr"/> in place and returns the class the face now has.</summary>
    public static string Apply(Mat bgr, FaceGeometry face, FacePaint paint, Random random)
    {
        switch (paint)
        {
            case FacePaint.OverNose:
                MaskPainter.Paint(bgr, face, MaskPosition.OverNose, random);
                break;
            case FacePaint.BelowNose:
                MaskPainter.Paint(bgr, face, MaskPosition.BelowNose, random);
                break;
            case FacePaint.OnChin:
                MaskPainter.Paint(bgr, face, MaskPosition.OnChin, random);
                break;
            default:
                LookalikePainter.Paint(bgr, face, random);
                break;
        }

        return ClassName(paint);
    }

    /// <summary>
    /// Face geometry for many images at once (the detector's session is thread-safe); faces the
    /// detector misses get the aligned-portrait fallback.
    /// </summary>
    public static FaceGeometry[] Locate(int count, Func<int, Mat> image, BlazeFaceDetector? detector)
    {
        var faces = new FaceGeometry[count];
        Parallel.For(0, count, i =>
        {
            using var view = image(i);
            faces[i] = FaceGeometry.Locate(view, detector);
        });
        return faces;
    }
}
