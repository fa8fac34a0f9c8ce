using System.Diagnostics;
using System.Text.Json.Serialization;
using FaceMask.Training.Data;

namespace FaceMask.Api.Retraining;

/// <summary>Who asked for a data check.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DataCheckOrigin>))]
public enum DataCheckOrigin
{
    /// <summary>A retrain request, which waits for it.</summary>
    Request,

    /// <summary>The check run ahead of time at start and after uploads.</summary>
    Background,
}

/// <summary>
/// What the retrain data checks of this process are doing, so the retrain page can show progress
/// (images read of all, then the grouping) while a request waits for its check, and what the last
/// one found.
/// </summary>
public sealed class DataCheckProgress(TimeProvider time)
{
    public const string ReadingPhase = "Reading the images";
    public const string GroupingPhase = "Grouping near-duplicates and planning the split";

    /// <summary>What a counted grouping pass's phase starts with (its pass follows: "comparing images").</summary>
    private const string GroupingPassPrefix = "Grouping near-duplicates: ";

    private readonly Lock gate = new();
    private readonly List<Check> running = [];
    private DataCheckResult? last;

    /// <summary>Starts tracking one check; dispose the handle when it ends.</summary>
    public Check Begin(DataCheckOrigin origin)
    {
        var check = new Check(this, origin, time.GetUtcNow());
        lock (gate)
        {
            running.Add(check);
        }

        return check;
    }

    public DataCheckStatus Status()
    {
        lock (gate)
        {
            return new DataCheckStatus(running.Select(c => c.Snapshot()).ToList(), last);
        }
    }

    private void End(Check check, string? outcome)
    {
        lock (gate)
        {
            running.Remove(check);
            if (outcome is not null)
            {
                last = new DataCheckResult(check.Origin, check.Images, Math.Round(check.Elapsed.TotalSeconds, 1), outcome, time.GetUtcNow());
            }
        }
    }

    /// <summary>One check in progress.</summary>
    public sealed class Check(DataCheckProgress owner, DataCheckOrigin origin, DateTimeOffset started) : IDisposable
    {
        private readonly Stopwatch watch = Stopwatch.StartNew();
        private volatile string phase = "Starting";
        private int done;
        private int total;
        private int images;
        private string? outcome;

        public DataCheckOrigin Origin => origin;

        /// <summary>The files the check read.</summary>
        public int Images => images;

        public TimeSpan Elapsed => watch.Elapsed;

        /// <summary>The first phase: reading (hashing, decoding) <paramref name="count"/> files.</summary>
        public void ReadingImages(int count)
        {
            Volatile.Write(ref done, 0);
            Volatile.Write(ref total, count);
            images = count;
            phase = ReadingPhase;
        }

        /// <summary>The last phase: near-duplicate grouping (remembered from an earlier check when the data is unchanged) and the split plan.</summary>
        public void Grouping()
        {
            Volatile.Write(ref total, 0);
            Volatile.Write(ref done, 0);
            phase = GroupingPhase;
        }

        /// <summary>The grouping's passes, counted: "Grouping near-duplicates: comparing images" 3,200 of 7,600.</summary>
        public IProgress<GroupingProgress> GroupingCounter => new GroupingCount(this);

        /// <summary>Progress through the current phase (the scanner's IProgress reports done-so-far).</summary>
        public IProgress<int> Counter => new Progress(this);

        /// <summary>Records what the check found ("ready" or a refusal's code), kept as the last result.</summary>
        public void Finish(string found) => outcome = found;

        public DataCheckState Snapshot() =>
            new(origin, phase, Volatile.Read(ref done), Volatile.Read(ref total), Math.Round(watch.Elapsed.TotalSeconds, 1), started);

        public void Dispose() => owner.End(this, outcome);

        private sealed class Progress(Check check) : IProgress<int>
        {
            public void Report(int value) => Volatile.Write(ref check.done, value);
        }

        private sealed class GroupingCount(Check check) : IProgress<GroupingProgress>
        {
            public void Report(GroupingProgress value)
            {
                check.phase = $"{GroupingPassPrefix}{value.Description}";
                Volatile.Write(ref check.total, value.Total);
                Volatile.Write(ref check.done, value.Done);
            }
        }
    }
}

/// <summary>The checks running now, and the last one that finished.</summary>
public sealed record DataCheckStatus(IReadOnlyList<DataCheckState> Running, DataCheckResult? Last);

/// <summary>One running check: its phase and, when counted, how far through it (done of total).</summary>
public sealed record DataCheckState(DataCheckOrigin Origin, string Phase, int Done, int Total, double Seconds, DateTimeOffset StartedAt);

/// <summary>A finished check: how many files it read, and "ready" or the code a retrain request would be refused with.</summary>
public sealed record DataCheckResult(DataCheckOrigin Origin, int Images, double Seconds, string Outcome, DateTimeOffset FinishedAt);
