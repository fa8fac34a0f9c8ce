using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// Finds faces of any size in a photo with the short-range BlazeFace model, which sees one 128 px
/// square: a face must fill roughly a fifth of what it is shown to be found. So the photo is
/// searched whole and then in overlapping square tiles, halving the tile side while a tile is
/// still at least <see cref="TileToFace"/> times the smallest face asked for; the detections of all
/// passes are merged by weighted non-maximum suppression.
/// </summary>
public sealed class FaceFinder(BlazeFaceDetector detector)
{
    /// <summary>A tile side as a multiple of the smallest face it must find (the model needs the face at about a fifth of its input).</summary>
    public const int TileToFace = 5;

    /// <summary>Tiles searched at once: the cores (a loaded server runs several photos at once anyway).</summary>
    private static readonly int MaxParallelTiles = Environment.ProcessorCount;

    /// <summary>Faces at least <paramref name="minFace"/> pixels wide, most confident first, in the photo's pixels.</summary>
    public IReadOnlyList<FaceDetection> Find(Mat bgr, int minFace = 16, float minScore = 0.5f, float overlap = 0.3f)
    {
        // The model takes one image per call (its batch size is fixed at 1), so tiles run side by side.
        var tiles = Tiles(bgr.Width, bgr.Height, minFace).ToArray();
        var perTile = new IReadOnlyList<FaceDetection>[tiles.Length];
        Parallel.For(0, tiles.Length, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelTiles }, i =>
        {
            using var view = new Mat(bgr, tiles[i]);
            perTile[i] = detector.Detect(view, minScore, overlap).Select(face => Shift(face, tiles[i].X, tiles[i].Y)).ToList();
        });

        return BlazeFaceDetector.Suppress(perTile.SelectMany(f => f), overlap).Where(f => f.Box.Width >= minFace).ToList();
    }

    /// <summary>The <paramref name="maxFaces"/> largest faces, largest first, and whether more were found.</summary>
    public (IReadOnlyList<FaceDetection> Faces, bool Truncated) FindLargest(Mat bgr, int minFace, int maxFaces, float minScore = 0.5f)
    {
        var found = Find(bgr, minFace, minScore).OrderByDescending(f => f.Box.Width * f.Box.Height).ToList();
        return (found.Take(maxFaces).ToList(), found.Count > maxFaces);
    }

    /// <summary>
    /// The whole photo, then square tiles overlapping by half, the side halved at each level while
    /// a tile stays at least about <see cref="TileToFace"/> x the smallest face (a fifth less is
    /// allowed: the next halving would cost four times the tiles for faces the model finds anyway).
    /// </summary>
    public static IEnumerable<Rect> Tiles(int width, int height, int minFace)
    {
        yield return new Rect(0, 0, width, height);
        var smallest = TileToFace * Math.Max(minFace, 1) * 4 / 5;
        for (var side = Math.Min(width, height) / 2; side >= smallest; side /= 2)
        {
            foreach (var y in Starts(height, side))
            {
                foreach (var x in Starts(width, side))
                {
                    yield return new Rect(x, y, side, side);
                }
            }
        }
    }

    /// <summary>Tile starts every half side, the last one flush with the edge.</summary>
    private static IEnumerable<int> Starts(int length, int side)
    {
        var stride = Math.Max(1, side / 2);
        var last = length - side;
        for (var start = 0; start < last; start += stride)
        {
            yield return start;
        }

        yield return Math.Max(0, last);
    }

    private static FaceDetection Shift(FaceDetection face, int dx, int dy) => face with
    {
        Box = new Rect2f(face.Box.X + dx, face.Box.Y + dy, face.Box.Width, face.Box.Height),
        Keypoints = face.Keypoints.Select(p => new Point2f(p.X + dx, p.Y + dy)).ToArray(),
    };
}
