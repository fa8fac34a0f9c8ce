using System.Security.Cryptography;
using System.Text;
using FaceMask.Training.Data;

namespace FaceMask.Api.Web;

/// <summary>
/// The Data page's near-duplicate count (a scan of every image: about a minute on the public
/// dataset), remembered until the files change, so "Count the groups" answers at once the second
/// time. Whether they changed is told by a listing of names, sizes and times (milliseconds).
/// </summary>
public sealed class DataGroupsCache(TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private Counted? last;

    /// <summary>The groups of <paramref name="roots"/>: remembered when nothing changed since they were counted, otherwise counted now.</summary>
    public async Task<Counted> GetAsync(IReadOnlyList<string> roots, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken); // one count at a time: a second click waits for the first
        try
        {
            var key = Listing(roots);
            if (last is { } remembered && remembered.Key == key)
            {
                return remembered with { Remembered = true };
            }

            var stats = await Task.Run(() => DatasetStats.Compute(DatasetScanner.Scan(roots, cancellationToken: cancellationToken), new NearDuplicateSettings()), cancellationToken);
            last = new Counted(key, stats, time.GetUtcNow(), Remembered: false);
            return last;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private static string Listing(IReadOnlyList<string> roots)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var root in roots)
        {
            foreach (var file in new DirectoryInfo(root).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes($"{file.FullName}\n{file.Length}\n{file.LastWriteTimeUtc.Ticks}\n"));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <param name="Remembered">True when this answer is the earlier count of unchanged files.</param>
    public sealed record Counted(string Key, DatasetStats Stats, DateTimeOffset CountedAt, bool Remembered);
}
