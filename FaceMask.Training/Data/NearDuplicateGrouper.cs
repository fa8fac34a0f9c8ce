using OpenCvSharp;

namespace FaceMask.Training.Data;

/// <summary>
/// When two images count as the same picture. Defaults measured on the public face-mask dataset
/// (docs/training.md): its copies are brightness-shifted, mirrored, re-cropped and slightly
/// rotated, while its portraits of different people are alike enough to chain together under a
/// loose hash threshold. So a cheap test proposes candidates and an alignment test decides.
/// </summary>
public sealed record NearDuplicateSettings
{
    public const string Method = "phash64 | ncc16 | ecc48-affine, mirror-invariant";

    /// <summary>Perceptual hashes this close (Hamming, of 64 bits) mean the same picture.</summary>
    public int MaxHashDistance { get; init; } = 6;

    /// <summary>Normalised 16x16 thumbnails correlating this well mean the same picture.</summary>
    public float SameCorrelation { get; init; } = 0.95f;

    /// <summary>Thumbnails correlating this well are candidates, decided by alignment.</summary>
    public float CandidateCorrelation { get; init; } = 0.8f;

    /// <summary>A candidate whose 48x48 patch, affinely aligned onto the other (ECC), correlates this well is the same picture.</summary>
    public float AlignedCorrelation { get; init; } = 0.97f;

    /// <summary>Candidates checked per image (its most similar ones), bounding the cost of alignment.</summary>
    public int CandidatesPerImage { get; init; } = 8;
}

/// <summary>The grouping's two passes, in order.</summary>
public enum GroupingPhase
{
    /// <summary>Every image against every other (thumbnail correlation, hash distance).</summary>
    Comparing,

    /// <summary>The look-alike pairs the comparison left undecided, aligned one onto the other.</summary>
    Aligning,
}

/// <summary>How far a grouping is through its current pass: <see cref="Done"/> of <see cref="Total"/> images or pairs.</summary>
public readonly record struct GroupingProgress(GroupingPhase Phase, int Done, int Total)
{
    /// <summary>The pass in words, with what it counts: "comparing images", "aligning look-alike pairs".</summary>
    public string Description => Phase == GroupingPhase.Comparing ? "comparing images" : "aligning look-alike pairs";
}

/// <summary>
/// Puts near-duplicates into one group, transitively (a chain of near-copies is one group).
/// Whole groups then go to one split, so brightness-shifted, mirrored or re-cropped copies of a
/// training face never reach the test set.
/// </summary>
public static class NearDuplicateGrouper
{
    /// <summary>
    /// The grouping's sure rule alone, without the slower alignment: thumbnails that correlate
    /// almost perfectly or perceptual hashes a few bits apart are the same picture (a re-encode, a
    /// mirror, a light edit). Cheap enough to hold a few uploads against a whole dataset.
    /// </summary>
    public static bool IsSamePicture(ImageFingerprint a, ImageFingerprint b, NearDuplicateSettings? settings = null) =>
        IsSamePicture(a, b, a.CorrelationWith(b, out _), settings ?? new NearDuplicateSettings());

    private static bool IsSamePicture(ImageFingerprint a, ImageFingerprint b, float correlation, NearDuplicateSettings settings) =>
        correlation >= settings.SameCorrelation || a.HashDistanceTo(b) <= settings.MaxHashDistance;

    /// <summary>Returns a group number per image; groups are numbered 0.. in order of their first member.</summary>
    /// <param name="progress">Told how far each pass is, from the worker threads, in order (about a hundred reports a pass).</param>
    public static int[] Group(IReadOnlyList<ImageFingerprint> images, NearDuplicateSettings? settings = null, IProgress<GroupingProgress>? progress = null)
    {
        settings ??= new NearDuplicateSettings();
        var count = images.Count;
        var comparing = new PassCounter(GroupingPhase.Comparing, count, progress);

        // All pairs, in parallel: O(n^2) dot products of 256 floats (~4 s for 7,600 images on
        // 2 cores), then a bounded number of alignments per image (~15 s). Fine to a few tens
        // of thousands of images, far more than a hand-labelled face-mask dataset holds.
        var sure = new List<int>[count];
        var candidates = new List<(int Other, float Correlation, bool Mirrored)>[count];
        Parallel.For(0, count, i =>
        {
            var sameAs = new List<int>();
            var close = new List<(int, float, bool)>();
            for (var j = 0; j < count; j++)
            {
                if (j == i)
                {
                    continue;
                }

                var correlation = images[i].CorrelationWith(images[j], out var mirrored);
                if (j > i && IsSamePicture(images[i], images[j], correlation, settings))
                {
                    sameAs.Add(j);
                }
                else if (correlation >= settings.CandidateCorrelation && correlation < settings.SameCorrelation)
                {
                    close.Add((j, correlation, mirrored));
                }
            }

            sure[i] = sameAs;
            candidates[i] = close.OrderByDescending(c => c.Item2).Take(settings.CandidatesPerImage).ToList();
            comparing.OneDone();
        });

        var groups = new UnionFind(count);
        for (var i = 0; i < count; i++)
        {
            foreach (var j in sure[i])
            {
                groups.Union(i, j);
            }
        }

        // Align only candidates not already joined; each unordered pair once.
        var toAlign = Enumerable.Range(0, count)
            .SelectMany(i => candidates[i].Select(c => (A: Math.Min(i, c.Other), B: Math.Max(i, c.Other), c.Mirrored)))
            .Distinct()
            .Where(pair => groups.Find(pair.A) != groups.Find(pair.B))
            .ToList();
        var aligned = new bool[toAlign.Count];
        var aligning = new PassCounter(GroupingPhase.Aligning, toAlign.Count, progress);
        Parallel.For(0, toAlign.Count, k =>
        {
            var (a, b, mirrored) = toAlign[k];
            // Align both ways: a zoomed-in copy maps onto the original, not the original onto it.
            aligned[k] = AlignedCorrelation(images[a], images[b], mirrored) >= settings.AlignedCorrelation
                || AlignedCorrelation(images[b], images[a], mirrored) >= settings.AlignedCorrelation;
            aligning.OneDone();
        });

        for (var k = 0; k < toAlign.Count; k++)
        {
            if (aligned[k])
            {
                groups.Union(toAlign[k].A, toAlign[k].B);
            }
        }

        return groups.Numbered();
    }

    /// <summary>
    /// Correlation after warping <paramref name="input"/>'s patch (mirrored if asked) affinely onto
    /// <paramref name="template"/>'s with OpenCV's ECC; -1 when alignment fails.
    /// </summary>
    internal static double AlignedCorrelation(ImageFingerprint template, ImageFingerprint input, bool mirrored)
    {
        using var templatePixels = PatchAsFloat(template);
        using var inputPixels = PatchAsFloat(input);
        if (mirrored)
        {
            Cv2.Flip(inputPixels, inputPixels, FlipMode.Y);
        }

        using var warp = Mat.Eye(2, 3, MatType.CV_32F).ToMat();
        try
        {
            return Cv2.FindTransformECC(templatePixels, inputPixels, warp, MotionTypes.Affine,
                new TermCriteria(CriteriaTypes.Count | CriteriaTypes.Eps, 30, 1e-3), null, 3);
        }
        catch (OpenCVException)
        {
            return -1; // ECC did not converge: the images do not line up
        }
    }

    /// <summary>Counts one pass's items across threads and reports every hundredth of it, and its start and end, in order.</summary>
    private sealed class PassCounter
    {
        private readonly GroupingPhase phase;
        private readonly int total;
        private readonly int step;
        private readonly IProgress<GroupingProgress>? progress;
        private readonly Lock gate = new();
        private int done;

        public PassCounter(GroupingPhase phase, int total, IProgress<GroupingProgress>? progress)
        {
            this.phase = phase;
            this.total = total;
            this.progress = progress;
            step = Math.Max(1, (total + 99) / 100);
            progress?.Report(new GroupingProgress(phase, 0, total));
        }

        public void OneDone()
        {
            if (progress is null)
            {
                return;
            }

            var now = Interlocked.Increment(ref done);
            if (now % step == 0 || now == total)
            {
                lock (gate)
                {
                    // Read again under the lock, so reports never go backwards.
                    progress.Report(new GroupingProgress(phase, Volatile.Read(ref done), total));
                }
            }
        }
    }

    private static Mat PatchAsFloat(ImageFingerprint image)
    {
        const int Side = ImageFingerprint.PatchSide;
        using var bytes = Mat.FromPixelData(Side, Side, MatType.CV_8UC1, image.Patch);
        var floats = new Mat();
        bytes.ConvertTo(floats, MatType.CV_32F);
        return floats;
    }
}
