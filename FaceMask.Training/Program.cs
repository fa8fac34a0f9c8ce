using FaceMask.Training.Cli;

namespace FaceMask.Training;

/// <summary>The `facemask` CLI: <c>dotnet run --project FaceMask.Training -- &lt;command&gt;</c>.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => FaceMaskCli.RunAsync(args);
}
