using FaceMask.Training.Cli;
using Spectre.Console;

namespace FaceMask.Tests.Cli;

/// <summary>Runs the CLI in-process and keeps what it wrote: JSON lines (Console.Out) and messages (Spectre's console).</summary>
internal static class CliCapture
{
    /// <remarks>Console.Out is process-wide: tests in other collections may write to it meanwhile, so callers pick their command's lines out.</remarks>
    public static async Task<(int ExitCode, string Output)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var (previousOut, previousConsole) = (Console.Out, AnsiConsole.Console);
        Console.SetOut(output);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        AnsiConsole.Console.Profile.Width = 1000; // one message, one line
        try
        {
            return (await FaceMaskCli.RunAsync(args), output.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            AnsiConsole.Console = previousConsole;
        }
    }
}
