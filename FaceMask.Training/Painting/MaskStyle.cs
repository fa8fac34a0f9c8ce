using OpenCvSharp;

namespace FaceMask.Training.Painting;

/// <summary>Where a mask sits on the face: correctly over the nose, or incorrectly below it or on the chin.</summary>
public enum MaskPosition
{
    /// <summary>Covers nose and mouth: worn correctly.</summary>
    OverNose,

    /// <summary>Covers the mouth, leaves the nose out: worn incorrectly.</summary>
    BelowNose,

    /// <summary>Pulled down onto the chin, nose and mouth out: worn incorrectly.</summary>
    OnChin,
}

public enum MaskShape
{
    /// <summary>Pleated rectangle with a nose wire.</summary>
    Surgical,

    /// <summary>Rounded, deeper at the chin, a seam down the middle.</summary>
    Cloth,

    /// <summary>KN95/N95 cup: folded down the middle, pointed at the nose and chin.</summary>
    Respirator,
}

public enum MaskPattern
{
    Plain,
    Stripes,
    Dots,
    Checks,

    /// <summary>Scattered blobs of a second colour, like a printed fabric.</summary>
    Print,
}

/// <summary>How a painted mask (or look-alike fabric) looks. Colours are BGR.</summary>
public sealed record MaskStyle(MaskShape Shape, Scalar Colour, MaskPattern Pattern, Scalar PatternColour, double PatternScale, bool Straps, double Softness)
{
    private static readonly Scalar LightBlue = new(222, 196, 150);
    private static readonly Scalar PaleBlue = new(236, 218, 182);
    private static readonly Scalar White = new(238, 238, 236);
    private static readonly Scalar Black = new(38, 36, 36);
    private static readonly Scalar[] Pastels = [new(200, 176, 236), new(190, 226, 196), new(230, 190, 206), new(206, 206, 206)];

    /// <summary>A style drawn at random, with the frequencies masks have in photos: mostly surgical and light blue or white.</summary>
    public static MaskStyle Random(Random random)
    {
        var roll = random.NextDouble();
        var shape = roll < 0.5 ? MaskShape.Surgical : roll < 0.8 ? MaskShape.Cloth : MaskShape.Respirator;
        var colour = shape switch
        {
            MaskShape.Surgical => Pick(random, (0.5, LightBlue), (0.12, PaleBlue), (0.13, White), (0.1, Black), (0.15, Pastels[random.Next(Pastels.Length)])),
            MaskShape.Respirator => Pick(random, (0.6, White), (0.2, Black), (0.2, Pastels[random.Next(Pastels.Length)])),
            _ => random.NextDouble() < 0.3 ? Black : Saturated(random),
        };
        var pattern = shape == MaskShape.Cloth && random.NextDouble() < 0.5 ? (MaskPattern)random.Next(1, 5) : MaskPattern.Plain;
        var patternColour = random.NextDouble() < 0.5 ? White : Saturated(random);
        return new MaskStyle(shape, colour, pattern, patternColour, 0.08 + (random.NextDouble() * 0.12), random.NextDouble() < 0.85, 0.5 + random.NextDouble());
    }

    /// <summary>A fully saturated or strong colour of random hue.</summary>
    public static Scalar Saturated(Random random)
    {
        using var hsv = new Mat(1, 1, MatType.CV_8UC3, new Scalar(random.Next(180), 120 + random.Next(136), 90 + random.Next(150)));
        using var bgr = hsv.CvtColor(ColorConversionCodes.HSV2BGR);
        var pixel = bgr.At<Vec3b>(0, 0);
        return new Scalar(pixel.Item0, pixel.Item1, pixel.Item2);
    }

    private static Scalar Pick(Random random, params (double Weight, Scalar Colour)[] choices)
    {
        var roll = random.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (weight, colour) in choices)
        {
            roll -= weight;
            if (roll < 0)
            {
                return colour;
            }
        }

        return choices[^1].Colour;
    }
}
