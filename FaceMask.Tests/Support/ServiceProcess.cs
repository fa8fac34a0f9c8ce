using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FaceMask.Tests.Support;

/// <summary>
/// The service as a real child process (<c>dotnet FaceMask.Api.dll</c> from its build output) on a
/// free loopback port, configured through environment variables, for tests that must kill it the
/// way a crash or an OOM killer would: SIGKILL, no shutdown hooks, no graceful re-queue.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServiceProcess(IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var directory = AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}FaceMask.Tests{Path.DirectorySeparatorChar}", $"{Path.DirectorySeparatorChar}FaceMask.Api{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        var assembly = Path.Combine(directory, "FaceMask.Api.dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"The service is not built at {assembly}.");
        }

        var start = new ProcessStartInfo("dotnet", [assembly, "--urls", BaseAddress.ToString()])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>What the process printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>What the process printed so far, line by line, trimmed, without blank lines.</summary>
    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static ServiceProcess Start(IReadOnlyDictionary<string, string?> settings) => new(settings);

    /// <summary>Waits until /health/ready answers 200.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with code {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await Client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The service did not become ready in {timeout}:\n{Output}");
    }

    /// <summary>
    /// Waits until the process has printed a line that starts with <paramref name="start"/>. The console
    /// logger writes from its own queue, so a line can reach the test after an answer the service gave
    /// later; lines keep their order, so every line logged before this one is in <see cref="Output"/> too.
    /// </summary>
    public async Task WaitForLineAsync(string start, TimeSpan timeout)
    {
        for (var waited = Stopwatch.StartNew(); !Lines.Any(l => l.StartsWith(start, StringComparison.Ordinal)); await Task.Delay(50))
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"The service printed no line starting with '{start}' in {timeout}:\n{Output}");
            }
        }
    }

    /// <summary>Waits for the process to end by itself (a start-up failure); its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return process.ExitCode;
    }

    /// <summary>SIGKILL: the process gets no chance to clean up or re-queue its jobs.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false); // SIGKILL on Unix
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
