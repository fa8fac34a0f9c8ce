using FaceMask.Training.Common;
using FaceMask.Training.Detection;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Imaging;
using FaceMask.Training.Learning;
using OpenCvSharp;

namespace FaceMask.Training.Cli;

/// <summary>The faces a classifier got wrong, on one contact sheet: what to look at before changing a recipe.</summary>
internal static class MistakeSheet
{
    /// <summary>The most tiles one sheet holds (the most confident mistakes first).</summary>
    public const int MaxTiles = 120;

    /// <returns>How many found faces were classified wrongly (the sheet shows up to <see cref="MaxTiles"/>).</returns>
    public static int Save(IReadOnlyList<VocAnnotation> annotations, IReadOnlyList<PhotoResult> photos, float widening, string path)
    {
        var wrong = photos.SelectMany((photo, p) => DetectionReport.Match(photo, 0.3)
                .Where(m => photo.Found[m.Value].Prediction != photo.Truth[m.Key].Class)
                .Select(m => (Photo: p, Truth: photo.Truth[m.Key].Class, Face: photo.Found[m.Value])))
            .OrderByDescending(w => w.Face.Confidence)
            .ToList();
        if (wrong.Count == 0)
        {
            return 0;
        }

        var tiles = new List<(Mat Image, string Caption)>();
        var decoded = new Dictionary<int, Mat>();
        try
        {
            foreach (var (photoIndex, truth, face) in wrong.Take(MaxTiles))
            {
                if (!decoded.TryGetValue(photoIndex, out var photo))
                {
                    decoded[photoIndex] = photo = ImageDecoder.DecodeFile(annotations[photoIndex].ImagePath);
                }

                var box = new Rect2f(face.Frame.X, face.Frame.Y, face.Frame.Width, face.Frame.Height);
                tiles.Add((new Mat(photo, FaceCrop.Square(box, photo.Width, photo.Height, widening)), Caption(truth, face.Prediction, face.Confidence)));
            }

            ContactSheet.Save(tiles, path, columns: 10);
        }
        finally
        {
            foreach (var image in tiles.Select(t => t.Image).Concat(decoded.Values))
            {
                image.Dispose();
            }
        }

        return wrong.Count;
    }

    /// <summary>The labelled images a classifier got wrong (<paramref name="probabilities"/>: its output for each, calibrated), most confident first.</summary>
    /// <returns>How many images were classified wrongly (the sheet shows up to <see cref="MaxTiles"/>).</returns>
    public static int Save(LabelledImages images, float[][] probabilities, string path)
    {
        var wrong = Enumerable.Range(0, images.Count)
            .Select(i => (Index: i, Predicted: Probabilities.ArgMax(probabilities[i])))
            .Where(w => w.Predicted != images.Labels[w.Index])
            .OrderByDescending(w => probabilities[w.Index][w.Predicted])
            .ToList();
        if (wrong.Count == 0)
        {
            return 0;
        }

        var tiles = wrong.Take(MaxTiles).Select(w => (Image: images.View(w.Index), // headers over the images' own pixels
            Caption: Caption(images.Classes[images.Labels[w.Index]], images.Classes[w.Predicted], probabilities[w.Index][w.Predicted]))).ToList();
        try
        {
            ContactSheet.Save(tiles, path, columns: 10);
        }
        finally
        {
            foreach (var (image, _) in tiles)
            {
                image.Dispose();
            }
        }

        return wrong.Count;
    }

    /// <summary>"true > predicted confidence", as short as fits under a tile.</summary>
    private static string Caption(string truth, string predicted, double confidence) => $"{Short(truth)} > {Short(predicted)} {confidence * 100:0}%";

    /// <summary>A caption fits under a 128 px tile: "incorrect > mask 93%".</summary>
    private static string Short(string className) => className switch
    {
        MaskClasses.WithMask => "mask",
        MaskClasses.Incorrect => "incorrect",
        MaskClasses.WithoutMask => "no mask",
        _ => className,
    };
}
