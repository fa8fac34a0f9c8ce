using FaceMask.Training.Common;
using FaceMask.Training.Imaging;

namespace FaceMask.Training.Data;

/// <summary>
/// Writes a <see cref="SplitPlan"/> as <c>out/{train,val,test}/&lt;class&gt;/&lt;sha256&gt;.&lt;ext&gt;</c>
/// (hard links where possible) plus <c>out/split.json</c>. The new split is built in a staging
/// folder and swapped in at the end, so a failure leaves the previous split as it was. Anything
/// else in the output folder (its README) is left alone.
/// </summary>
public static class SplitWriter
{
    public sealed record Result(int Written, int Linked, SplitManifest Manifest);

    /// <summary>Content-addressed output name: byte-identical copies collapse into one file.</summary>
    public static string OutputPath(SplitPart part, DatasetImage image) =>
        $"{part.FolderName()}/{image.Class}/{image.Sha256}{image.Header.Format.FileExtension()}";

    public static Result Write(SplitPlan plan, string outputDirectory, DateTimeOffset created, IProgress<int>? progress = null)
    {
        Directory.CreateDirectory(outputDirectory);
        var staging = Path.Combine(outputDirectory, $".staging-{Guid.NewGuid():N}");
        try
        {
            foreach (var part in Enum.GetValues<SplitPart>())
            {
                foreach (var className in plan.Scan.Classes)
                {
                    Directory.CreateDirectory(Path.Combine(staging, part.FolderName(), className));
                }
            }

            int written = 0, linked = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < plan.Scan.Images.Count; i++)
            {
                var image = plan.Scan.Images[i];
                var relative = OutputPath(plan.PartOf(i), image);
                if (seen.Add(relative))
                {
                    linked += HardLink.CreateOrCopy(image.FullPath, Path.Combine(staging, relative)) ? 1 : 0;
                    written++;
                }

                if ((i + 1) % 256 == 0)
                {
                    progress?.Report(i + 1);
                }
            }

            var manifest = SplitManifest.From(plan, created);
            File.WriteAllText(Path.Combine(staging, SplitManifest.FileName), Json.Serialize(manifest));

            Swap(outputDirectory, staging, Path.Combine(outputDirectory, $".previous-{Guid.NewGuid():N}"));
            progress?.Report(plan.Scan.Images.Count);
            return new Result(written, linked, manifest);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Moves the current parts aside and the staged ones in; on failure puts the old ones back.</summary>
    private static void Swap(string outputDirectory, string staging, string retired)
    {
        var entries = Enum.GetValues<SplitPart>().Select(p => p.FolderName()).Append(SplitManifest.FileName).ToList();
        Directory.CreateDirectory(retired);
        try
        {
            foreach (var entry in entries)
            {
                MoveEntry(Path.Combine(outputDirectory, entry), Path.Combine(retired, entry));
            }

            foreach (var entry in entries)
            {
                MoveEntry(Path.Combine(staging, entry), Path.Combine(outputDirectory, entry));
            }
        }
        catch
        {
            foreach (var entry in entries.Where(e => !Path.Exists(Path.Combine(outputDirectory, e))))
            {
                MoveEntry(Path.Combine(retired, entry), Path.Combine(outputDirectory, entry));
            }

            throw;
        }

        Directory.Delete(retired, recursive: true);
    }

    private static void MoveEntry(string from, string to)
    {
        if (Directory.Exists(from))
        {
            Directory.Move(from, to);
        }
        else if (File.Exists(from))
        {
            File.Move(from, to);
        }
    }
}
