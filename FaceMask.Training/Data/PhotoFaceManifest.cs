using FaceMask.Training.Common;

namespace FaceMask.Training.Data;

/// <summary>
/// One face cut from an annotated photo: the class-per-folder file (framed as serving frames a
/// detected face), the photo it came from, and its annotated box cut out on its own.
/// </summary>
/// <param name="File">The face, relative to the folder (<c>with_mask/photo.face01.png</c>).</param>
/// <param name="Photo">The photo's file name: faces of one photo stay in one part of a split.</param>
/// <param name="AnnotatedFile">The annotated box alone, relative to the folder: the public dataset's crops are annotated boxes, so this is what finds the face's near-duplicates among them.</param>
public sealed record PhotoFace(string File, string Photo, string AnnotatedFile);

/// <summary>
/// <c>faces.json</c> of a folder of faces cut from annotated photos (<c>facemask cut-faces</c>).
/// <see cref="PhotoFaceGrouping"/> reads it so that a split keeps every photo whole and each face
/// with its near-duplicate crops.
/// </summary>
public sealed record PhotoFaceManifest(string Detector, double CropWidening, int MinFace, IReadOnlyList<PhotoFace> Faces)
{
    public const string FileName = "faces.json";

    /// <summary>Where the annotated boxes are kept: a hidden folder, so scans of the class folders never see them.</summary>
    public const string AnnotatedFolder = ".annotated";

    /// <summary>The manifest of a dataset folder, or null when it has none (an ordinary class-per-folder dataset).</summary>
    public static PhotoFaceManifest? Load(string root)
    {
        var path = Path.Combine(root, FileName);
        return File.Exists(path) ? Json.Deserialize<PhotoFaceManifest>(File.ReadAllText(path)) : null;
    }

    public void Save(string root) => AtomicFile.WriteAllText(Path.Combine(root, FileName), Json.Serialize(this));
}
