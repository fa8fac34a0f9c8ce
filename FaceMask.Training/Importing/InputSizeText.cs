using System.Globalization;

namespace FaceMask.Training.Importing;

/// <summary>A model's input size as people write it: <c>S</c> (square) or <c>HxW</c>, e.g. 224 or 128x96. One reading for the CLI and the upload form.</summary>
public static class InputSizeText
{
    public const string Form = "S or HxW (e.g. 224 or 128x96)";

    public static bool TryParse(string text, out (int Height, int Width) size)
    {
        var parts = text.Trim().Split('x', 'X');
        size = default;
        if (parts.Length is < 1 or > 2 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var side) && side > 0))
        {
            return false;
        }

        var height = int.Parse(parts[0], CultureInfo.InvariantCulture);
        size = (height, parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : height);
        return true;
    }
}
