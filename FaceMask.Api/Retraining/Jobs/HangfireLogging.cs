using Hangfire.Logging;

namespace FaceMask.Api.Retraining.Jobs;

/// <summary>
/// Hangfire keeps one process-wide log provider. Wrapping the ASP.NET Core one makes a stopped
/// host's disposed logger factory (several hosts in one process, as in tests) fall back to no
/// logging instead of failing the job operation that wanted to log.
/// </summary>
public sealed class DisposalTolerantLogProvider(ILogProvider inner) : ILogProvider
{
    public ILog GetLogger(string name)
    {
        try
        {
            return inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return NoLog.Instance;
        }
    }

    private sealed class NoLog : ILog
    {
        public static readonly NoLog Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
