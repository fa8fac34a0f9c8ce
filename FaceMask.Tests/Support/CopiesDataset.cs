using FaceMask.Training.Synthetic;
using OpenCvSharp;

namespace FaceMask.Tests.Support;

/// <summary>
/// A class-per-folder dataset of synthetic faces where every face also appears as the copies a
/// scraped dataset holds: mirrored, darker, brighter, re-cropped. <see cref="FaceOf"/> tells
/// which original face each file shows, so tests can check copies never cross splits.
/// </summary>
public sealed class CopiesDataset
{
    public const int CopiesPerFace = 5;

    private CopiesDataset(string root, IReadOnlyDictionary<string, string> faceOf)
    {
        Root = root;
        FaceOf = faceOf;
    }

    public string Root { get; }

    /// <summary>Relative path (<c>class/file.jpg</c>) to the id of the face it shows.</summary>
    public IReadOnlyDictionary<string, string> FaceOf { get; }

    public static CopiesDataset Write(string root, int facesPerClass, int seed)
    {
        var faceOf = new Dictionary<string, string>();
        foreach (var state in Enum.GetValues<MaskState>())
        {
            var className = SyntheticFaces.ClassName(state);
            for (var i = 0; i < facesPerClass; i++)
            {
                var face = $"{className}-{i}";
                using var original = SyntheticFaces.Draw(state, SyntheticFaces.FaceSeed(seed, state, i));
                using var mirrored = TestImages.Mirrored(original);
                using var darker = TestImages.Shifted(original, 0.55, -10);
                using var brighter = TestImages.Shifted(original, 1.15, 15);
                using var recropped = TestImages.Recropped(original, 0.92);
                Mat[] copies = [original, mirrored, darker, brighter, recropped];
                for (var c = 0; c < copies.Length; c++)
                {
                    var relative = $"{className}/{face}-copy{c}.jpg";
                    TestImages.WriteJpeg(Path.Combine(root, relative), copies[c]);
                    faceOf[relative] = face;
                }
            }
        }

        return new CopiesDataset(root, faceOf);
    }
}
