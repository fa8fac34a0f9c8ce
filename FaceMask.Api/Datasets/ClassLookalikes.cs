using FaceMask.Training.Data;
using FaceMask.Training.Imaging;

namespace FaceMask.Api.Datasets;

/// <summary>
/// Finds uploaded images that are the same picture as one already filed under another class (an
/// upload dropped into the wrong class folder, or a face labelled twice), held against the data as
/// the last retrain data check read it (the background check reads it at start and after each
/// upload), so an upload answers without reading the dataset again. Until a check has run, it finds
/// nothing.
/// </summary>
public sealed class ClassLookalikes
{
    private volatile DatasetScan? known;

    /// <summary>Remembers the data a check read.</summary>
    public void Remember(DatasetScan scan) => known = scan;

    public IReadOnlyList<Lookalike> Find(IReadOnlyList<LabelledUpload> files)
    {
        if (known is not { } scan || files.Count == 0)
        {
            return [];
        }

        var found = new List<Lookalike>();
        foreach (var file in files)
        {
            ImageFingerprint fingerprint;
            try
            {
                fingerprint = DatasetScanner.Read("", file.Label, file.FileName, file.Bytes).Fingerprint; // read as a scan reads it
            }
            catch (ImageRejectedException)
            {
                continue; // refused by the upload itself
            }

            var match = scan.Images.AsParallel().AsOrdered().Where(i => i.Class != file.Label && NearDuplicateGrouper.IsSamePicture(fingerprint, i.Fingerprint)).FirstOrDefault();
            if (match is not null)
            {
                found.Add(new Lookalike(file.FileName, file.Label, match.Class, $"{Path.GetFileName(match.Source)}/{match.RelativePath}"));
            }
        }

        return found;
    }
}
