using SQLite;

namespace FaceMask.Api.Retraining.Jobs;

/// <summary>
/// The sliding invisibility timeout Hangfire.Storage.SQLite lacks: while a stage runs, its queue
/// entry's fetch time is moved forward, so the entry is handed to another server only once the
/// worker has stopped beating (the storage re-queues entries fetched longer ago than its
/// <c>InvisibilityTimeout</c>). The storage keeps <c>JobQueue.FetchedAt</c> as .NET ticks of UTC
/// time, <c>DateTime.MinValue</c> (0) while not fetched.
/// </summary>
public sealed class SqliteQueueKeepAlive(string databasePath) : IJobKeepAlive
{
    public void Touch(string jobId)
    {
        if (!int.TryParse(jobId, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return;
        }

        using var db = new SQLiteConnection(new SQLiteConnectionString(databasePath, SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.FullMutex, storeDateTimeAsTicks: true));
        db.BusyTimeout = TimeSpan.FromSeconds(10);
        db.Execute("UPDATE JobQueue SET FetchedAt = ? WHERE JobId = ? AND FetchedAt > 0", DateTime.UtcNow.Ticks, id);
    }
}
