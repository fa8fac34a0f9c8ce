using System.Security.Cryptography;
using System.Text;

namespace FaceMask.Training.Data;

/// <summary>
/// Remembers the last few near-duplicate groupings by content (the images' hashes and names in order
/// and the settings), so checking a retrain, seeding its reference set and writing its split group the
/// same data once: grouping is the one slow step (about 20 s for the 7,600-image public dataset).
/// Groups as <c>facemask split</c> does (<see cref="PhotoFaceGrouping"/>), so faces cut from photos
/// keep their photo's group in a retrain too.
/// </summary>
public sealed class NearDuplicateCache(int capacity = 4)
{
    private readonly LinkedList<(string Key, int[] Groups)> recent = new();
    private readonly Lock gate = new();

    /// <summary>Hits and misses so far, for logs and tests.</summary>
    public (int Hits, int Misses) Counts { get; private set; }

    public int[] Group(IReadOnlyList<DatasetImage> images, NearDuplicateSettings settings) => Group(images, settings, null);

    /// <param name="progress">Told how far a grouping that is not remembered is (nothing when it is).</param>
    public int[] Group(IReadOnlyList<DatasetImage> images, NearDuplicateSettings settings, IProgress<GroupingProgress>? progress)
    {
        var key = Key(images, settings);
        lock (gate)
        {
            if (recent.FirstOrDefault(e => e.Key == key) is { Groups: { } cached } entry)
            {
                recent.Remove(entry);
                recent.AddFirst(entry);
                Counts = (Counts.Hits + 1, Counts.Misses);
                return cached;
            }
        }

        var groups = PhotoFaceGrouping.Group(images, settings, progress);
        lock (gate)
        {
            recent.AddFirst((key, groups));
            while (recent.Count > capacity)
            {
                recent.RemoveLast();
            }

            Counts = (Counts.Hits, Counts.Misses + 1);
        }

        return groups;
    }

    private static string Key(IReadOnlyList<DatasetImage> images, NearDuplicateSettings settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(settings.ToString()));
        foreach (var image in images)
        {
            hash.AppendData(Encoding.ASCII.GetBytes(image.Sha256));
            hash.AppendData(Encoding.UTF8.GetBytes(image.RelativePath)); // a photo face's manifest entry goes by its name
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
