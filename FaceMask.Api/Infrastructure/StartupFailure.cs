namespace FaceMask.Api.Infrastructure;

/// <summary>
/// The one line the service prints when it cannot start or stops on a fault: what went wrong and,
/// where the cause is the usual one, what to do about it.
/// </summary>
public static class StartupFailure
{
    private static int registered;

    /// <summary>
    /// Prints <see cref="Describe"/> and exits with code 1 when an exception escapes the program
    /// (start-up included). A test host's failures are caught by its factory and never get here.
    /// </summary>
    public static void ExitOnUnhandled()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
        {
            AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            {
                Console.Error.WriteLine(Describe(e.ExceptionObject as Exception ?? new InvalidOperationException(e.ExceptionObject?.ToString())));
                Environment.Exit(1);
            };
        }
    }

    public static string Describe(Exception failure)
    {
        var cause = failure is SecretFileException ? failure : failure.GetBaseException();
        var hint = cause switch
        {
            SecretFileException => string.Empty,
            UnauthorizedAccessException => $" The service runs as user {Environment.UserName}: give it access to that path (a bind-mounted /data must be writable by the image's user).",
            _ => string.Empty,
        };
        return $"facemask: cannot run: {OneLine(cause.Message)}{hint}";
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
