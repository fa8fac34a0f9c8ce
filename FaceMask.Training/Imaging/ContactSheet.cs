using OpenCvSharp;

namespace FaceMask.Training.Imaging;

/// <summary>Many small images on one PNG, each with a caption: for looking at what a generator or augmentation makes.</summary>
public static class ContactSheet
{
    public static void Save(IReadOnlyList<(Mat Image, string Caption)> tiles, string path, int columns = 8, int tileSide = 128)
    {
        if (tiles.Count == 0)
        {
            throw new ArgumentException("A contact sheet needs at least one image.");
        }

        const int CaptionHeight = 16;
        var rows = (tiles.Count + columns - 1) / columns;
        using var sheet = new Mat(rows * (tileSide + CaptionHeight), Math.Min(columns, tiles.Count) * tileSide, MatType.CV_8UC3, new Scalar(255, 255, 255));
        for (var i = 0; i < tiles.Count; i++)
        {
            var (x, y) = ((i % columns) * tileSide, (i / columns) * (tileSide + CaptionHeight));
            using var resized = new Mat();
            Cv2.Resize(tiles[i].Image, resized, new Size(tileSide, tileSide), 0, 0, InterpolationFlags.Area);
            using (var target = new Mat(sheet, new Rect(x, y, tileSide, tileSide)))
            {
                resized.CopyTo(target);
            }

            Cv2.PutText(sheet, tiles[i].Caption, new Point(x + 2, y + tileSide + CaptionHeight - 4), HersheyFonts.HersheySimplex, 0.33, Scalar.Black, 1, LineTypes.AntiAlias);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        Directory.CreateDirectory(directory!);
        Cv2.ImWrite(path, sheet);
    }
}
