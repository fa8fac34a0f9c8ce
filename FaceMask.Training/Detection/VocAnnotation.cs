using System.Globalization;
using System.Xml.Linq;
using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>One annotated face: its class and box in the photo's pixels.</summary>
/// <param name="Seen">Whether a training set holds a near-identical crop of this face (null: not checked; <see cref="SeenFaces"/>).</param>
public sealed record AnnotatedFace(string Class, Rect2f Box, bool? Seen = null);

/// <summary>
/// A photo's PASCAL VOC annotation (the format of the public Kaggle face-mask detection dataset):
/// <c>&lt;filename&gt;</c> and one <c>&lt;object&gt;&lt;name&gt;...&lt;bndbox&gt;xmin, ymin, xmax, ymax</c> per face.
/// </summary>
public sealed record VocAnnotation(string XmlPath, string ImagePath, IReadOnlyList<AnnotatedFace> Faces)
{
    /// <summary>Every <c>*.xml</c> below <paramref name="directory"/>, with the photo each names (next to it, or in a sibling or top-level <c>images/</c> folder).</summary>
    public static IReadOnlyList<VocAnnotation> LoadAll(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Annotation folder '{directory}' does not exist.");
        }

        var all = Directory.EnumerateFiles(directory, "*.xml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(xml => Load(xml, directory)).ToList();
        return all.Count > 0 ? all : throw new ArgumentException($"'{directory}' has no PASCAL VOC .xml annotations.");
    }

    public static VocAnnotation Load(string xmlPath, string root)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(xmlPath);
        }
        catch (System.Xml.XmlException e)
        {
            throw new InvalidDataException($"{xmlPath}: not XML ({e.Message}).", e);
        }

        var annotation = document.Root ?? throw new InvalidDataException($"{xmlPath}: empty document.");
        var fileName = annotation.Element("filename")?.Value.Trim() is { Length: > 0 } named ? named : Path.GetFileNameWithoutExtension(xmlPath) + ".png";
        var folder = Path.GetDirectoryName(Path.GetFullPath(xmlPath))!;
        var image = new[] { Path.Combine(folder, fileName), Path.Combine(folder, "..", "images", fileName), Path.Combine(root, "images", fileName) }
            .Select(Path.GetFullPath)
            .FirstOrDefault(File.Exists) ?? throw new FileNotFoundException($"{xmlPath}: its photo '{fileName}' is not beside it nor in an images/ folder.");
        var faces = annotation.Elements("object").Select(o =>
        {
            var box = o.Element("bndbox") ?? throw new InvalidDataException($"{xmlPath}: an object has no bndbox.");
            float Read(string name) => float.Parse(box.Element(name)?.Value ?? throw new InvalidDataException($"{xmlPath}: bndbox has no {name}."), CultureInfo.InvariantCulture);
            var (xMin, yMin, xMax, yMax) = (Read("xmin"), Read("ymin"), Read("xmax"), Read("ymax"));
            return new AnnotatedFace(o.Element("name")?.Value.Trim() ?? string.Empty, new Rect2f(xMin, yMin, xMax - xMin, yMax - yMin));
        }).ToList();
        return new VocAnnotation(xmlPath, image, faces);
    }

    /// <summary>Writes a photo's annotation beside it, as the Kaggle dataset's files are written (integer pixel corners).</summary>
    public static void Write(string xmlPath, string imageFileName, Size imageSize, IEnumerable<AnnotatedFace> faces)
    {
        static string Pixel(float value) => ((int)MathF.Round(value)).ToString(CultureInfo.InvariantCulture);
        var document = new XDocument(new XElement(
            "annotation",
            new XElement("filename", imageFileName),
            new XElement("size", new XElement("width", imageSize.Width), new XElement("height", imageSize.Height), new XElement("depth", 3)),
            faces.Select(f => new XElement(
                "object",
                new XElement("name", f.Class),
                new XElement("bndbox",
                    new XElement("xmin", Pixel(f.Box.Left)), new XElement("ymin", Pixel(f.Box.Top)),
                    new XElement("xmax", Pixel(f.Box.Right)), new XElement("ymax", Pixel(f.Box.Bottom)))))));
        document.Save(xmlPath);
    }
}
