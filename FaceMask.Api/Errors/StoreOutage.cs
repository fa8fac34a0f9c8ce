using System.Net.Sockets;
using Npgsql;

namespace FaceMask.Api.Errors;

/// <summary>
/// Whether an exception means the database behind the registry and the job store is out of reach
/// (stopped, restarting, refusing connections, or refusing the service's credentials), as opposed
/// to a fault of the request or of the service's own code.
/// </summary>
public static class StoreOutage
{
    /// <summary>SQLSTATE classes and codes of an unreachable server: connection exceptions, rejected credentials, shutdown, too many connections.</summary>
    private static readonly string[] OutageStates = ["08", "28", "57P01", "57P02", "57P03", "53300"];

    public static bool Is(Exception exception) => Causes(exception).Any(IsOutage);

    private static bool IsOutage(Exception exception) => exception switch
    {
        PostgresException postgres => OutageStates.Any(postgres.SqlState.StartsWith),
        // Every other NpgsqlException is the connection itself failing: refused, reset, timed out.
        NpgsqlException => true,
        SocketException => true,
        _ => false,
    };

    /// <summary>The exception and every exception inside it (Hangfire and the pool wrap the driver's).</summary>
    private static IEnumerable<Exception> Causes(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var current))
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
