using FaceMask.Training.Common;
using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using OpenCvSharp;

namespace FaceMask.Training.Synthetic;

/// <summary>
/// Photos composed from labelled face crops (a class-per-folder dataset; the test part of a split
/// keeps the classifier honest): each crop pasted at a random place and size onto drawn clutter,
/// with a PASCAL VOC annotation whose box is the pasted crop. They
/// measure detection by face size on real faces where no annotated photos are at hand; they stay
/// out of the repository like the faces they are made of. Real photos are harder: clutter, poses
/// and occlusion these lack.
/// </summary>
public static class CropScenes
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    /// <summary>Writes <paramref name="count"/> scenes of 3 to 8 faces, <paramref name="minFace"/> to <paramref name="maxFace"/> px (log-uniform), with a <c>.xml</c> beside each; returns the photo paths.</summary>
    public static IReadOnlyList<string> Write(string facesDirectory, string directory, int count, Size sceneSize, int minFace, int maxFace, int seed)
    {
        var classes = Directory.Exists(facesDirectory)
            ? Directory.GetDirectories(facesDirectory).Order(StringComparer.Ordinal)
                .Select(d => (Name: Path.GetFileName(d), Files: Directory.EnumerateFiles(d).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToArray()))
                .Where(c => c.Files.Length > 0).ToArray()
            : throw new DirectoryNotFoundException($"Face folder '{facesDirectory}' does not exist.");
        if (classes.Length == 0)
        {
            throw new ArgumentException($"'{facesDirectory}' has no class folders with images.");
        }

        if (minFace < 4 || maxFace < minFace || maxFace > Math.Min(sceneSize.Width, sceneSize.Height))
        {
            throw new ArgumentException($"Face sizes {minFace}-{maxFace} px do not fit a {sceneSize.Width}x{sceneSize.Height} scene.");
        }

        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var random = new Random(Seeds.Mix(seed, i, 0xc20b));
            string Pick(out string className)
            {
                var (name, files) = classes[random.Next(classes.Length)];
                className = name;
                return files[random.Next(files.Length)];
            }

            using var scene = Background(sceneSize, random);
            var faces = new List<AnnotatedFace>();
            var wanted = random.Next(3, 9);
            for (var attempt = 0; faces.Count < wanted && attempt < 200; attempt++)
            {
                var side = (int)Math.Round(minFace * Math.Pow((double)maxFace / minFace, random.NextDouble()));
                var box = new Rect(random.Next(0, sceneSize.Width - side + 1), random.Next(0, sceneSize.Height - side + 1), side, side);
                var apart = new Rect(box.X - 4, box.Y - 4, side + 8, side + 8);
                if (faces.Any(f => apart.IntersectsWith(new Rect((int)f.Box.X, (int)f.Box.Y, (int)f.Box.Width, (int)f.Box.Height))))
                {
                    continue;
                }

                var file = Pick(out var className);
                using var crop = ImageDecoder.DecodeFile(file);
                using var target = new Mat(scene, box);
                Cv2.Resize(crop, target, box.Size, 0, 0, side < crop.Width ? InterpolationFlags.Area : InterpolationFlags.Linear);
                faces.Add(new AnnotatedFace(className, new Rect2f(box.X, box.Y, box.Width, box.Height)));
            }

            var name = $"crowd-{seed}-{i:D5}";
            var path = Path.Combine(directory, name + ".jpg");
            File.WriteAllBytes(path, SyntheticFaces.Encode(scene, ImageFormat.Jpeg));
            VocAnnotation.Write(Path.Combine(directory, name + ".xml"), name + ".jpg", sceneSize, faces);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>
    /// Clutter without faces: overlapping boxes and bars of random colours (walls, signs, clothes),
    /// softened and grained. Faces blurred large would do for colour but the detector finds them.
    /// </summary>
    private static Mat Background(Size sceneSize, Random random)
    {
        var scene = new Mat(sceneSize, MatType.CV_8UC3, RandomColour(random));
        for (var i = 0; i < 40; i++)
        {
            var (x, y) = (random.Next(-50, sceneSize.Width), random.Next(-50, sceneSize.Height));
            var (width, height) = (random.Next(8, sceneSize.Width / 2), random.Next(8, sceneSize.Height / 2));
            Cv2.Rectangle(scene, new Rect(x, y, width, height), RandomColour(random), random.Next(4) == 0 ? random.Next(2, 6) : -1);
        }

        Cv2.GaussianBlur(scene, scene, new Size(0, 0), 1 + (random.NextDouble() * 3));
        using var noise = new Mat(scene.Size(), MatType.CV_8UC3);
        Cv2.Randn(noise, Scalar.All(128), Scalar.All(4 + random.Next(8)));
        Cv2.AddWeighted(scene, 1, noise, 1, -128, scene); // zero-mean grain, computed before saturating
        return scene;
    }

    private static Scalar RandomColour(Random random) => new(random.Next(256), random.Next(256), random.Next(256));
}
