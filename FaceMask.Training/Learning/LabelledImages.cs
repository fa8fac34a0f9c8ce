using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using FaceMask.Training.Painting;
using OpenCvSharp;

namespace FaceMask.Training.Learning;

/// <summary>
/// A class-per-folder image set decoded once into memory as small 8-bit BGR images, for the
/// epochs of training and evaluation. Decoding goes through the shared <see cref="ImageDecoder"/>;
/// files that fail are reported, not silently dropped.
/// </summary>
public sealed class LabelledImages
{
    private LabelledImages(IReadOnlyList<string> classes, int[] labels, byte[][] pixels, int side, IReadOnlyList<string> skipped)
    {
        Classes = classes;
        Labels = labels;
        Pixels = pixels;
        Side = side;
        Skipped = skipped;
    }

    public IReadOnlyList<string> Classes { get; }

    /// <summary>Class index of every image.</summary>
    public int[] Labels { get; }

    /// <summary>Every image as <see cref="Side"/> x <see cref="Side"/> BGR bytes.</summary>
    public byte[][] Pixels { get; }

    public int Side { get; }

    /// <summary>Files that could not be used, with the reason.</summary>
    public IReadOnlyList<string> Skipped { get; }

    public int Count => Labels.Length;

    /// <summary>Each image's face geometry once <see cref="LocateFaces"/> has run (for painting and detector framing).</summary>
    public FaceGeometry[]? Faces { get; private set; }

    /// <summary>Finds every image's face with the detector (the aligned-portrait fallback where it finds none, or without one).</summary>
    public FaceGeometry[] LocateFaces(BlazeFaceDetector? detector) => Faces ??= FacePainting.Locate(Count, View, detector);

    /// <summary>Wraps image <paramref name="index"/> as a Mat header over its bytes (no copy; do not keep it past the array).</summary>
    public Mat View(int index) => Mat.FromPixelData(Side, Side, MatType.CV_8UC3, Pixels[index]);

    /// <summary>
    /// Loads <c>directory/&lt;class&gt;/*</c> for the given classes, resized to <paramref name="side"/>
    /// pixels square. Class folders that are absent simply contribute no images; a folder for a
    /// class the model does not know is an error.
    /// </summary>
    public static LabelledImages Load(string directory, IReadOnlyList<string> classes, int side, IProgress<int>? progress = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Image folder '{directory}' does not exist.");
        }

        var unknown = Directory.EnumerateDirectories(directory).Select(Path.GetFileName).OfType<string>()
            .Where(name => !name.StartsWith('.') && !classes.Contains(name, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"'{directory}' has folders for unknown classes: {string.Join(", ", unknown)}. Known classes: {string.Join(", ", classes)}.");
        }

        var files = classes.SelectMany((name, label) => Directory.Exists(Path.Combine(directory, name))
                ? Directory.EnumerateFiles(Path.Combine(directory, name)).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).Select(f => (Path: f, Label: label))
                : [])
            .ToList();
        return Load(classes, files, side, progress);
    }

    /// <summary>Loads the listed files with their class indices into <paramref name="classes"/>, resized to <paramref name="side"/> pixels square.</summary>
    public static LabelledImages Load(IReadOnlyList<string> classes, IReadOnlyList<(string Path, int Label)> files, int side, IProgress<int>? progress = null)
    {
        var pixels = new byte[files.Count][];
        var errors = new string?[files.Count];
        var done = 0;
        var spec = new Preprocessing(side, side);
        Parallel.For(0, files.Count, i =>
        {
            try
            {
                using var decoded = ImageDecoder.DecodeFile(files[i].Path);
                using var resized = ImagePreprocessor.Resize(decoded, spec);
                pixels[i] = resized.AsSpan<byte>().ToArray();
            }
            catch (Exception e) when (e is ImageRejectedException or IOException)
            {
                errors[i] = $"{files[i].Path}: {e.Message}";
            }

            var count = Interlocked.Increment(ref done);
            if (count % 256 == 0)
            {
                progress?.Report(count);
            }
        });

        var kept = Enumerable.Range(0, files.Count).Where(i => errors[i] is null).ToList();
        return new LabelledImages(
            classes,
            kept.Select(i => files[i].Label).ToArray(),
            kept.Select(i => pixels[i]).ToArray(),
            side,
            errors.OfType<string>().ToList());
    }
}
