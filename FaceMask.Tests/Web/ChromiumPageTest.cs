using System.Xml;
using Microsoft.Playwright;
using Microsoft.Playwright.TestAdapter;
using Microsoft.Playwright.Xunit.v3;

namespace FaceMask.Tests.Web;

/// <summary>
/// Playwright's page test on the machine's Debian Chromium (never a downloaded browser). The
/// settings a <c>.runsettings</c> file would carry are loaded here, so the test runs the same under
/// <c>dotnet test</c> and the xunit executable. Collects every console error, page error and failed
/// request of the page, and writes screenshots as test artefacts.
/// </summary>
public abstract class ChromiumPageTest : PageTest
{
    /// <summary>Chromium's own background traffic is refused on these machines; these flags stop it.</summary>
    private const string Settings = """
        <Playwright>
          <BrowserName>chromium</BrowserName>
          <LaunchOptions>
            <ExecutablePath>/usr/bin/chromium</ExecutablePath>
            <Headless>true</Headless>
            <Args>['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']</Args>
          </LaunchOptions>
        </Playwright>
        """;

    static ChromiumPageTest()
    {
        using var reader = XmlReader.Create(new StringReader(Settings));
        new PlaywrightSettingsProvider().Load(reader);
    }

    /// <summary>Everything that went wrong in the page: console errors, uncaught exceptions, failed or 4xx/5xx requests.</summary>
    protected List<string> Problems { get; } = [];

    /// <summary>Requests a test provokes on purpose (a refused upload, say) and does not count as problems.</summary>
    protected List<string> ExpectedFailures { get; } = [];

    /// <summary>Where screenshots go: <c>FACEMASK_SCREENSHOTS</c>, or <c>screenshots/</c> beside the test binaries.</summary>
    public static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable("FACEMASK_SCREENSHOTS") is { Length: > 0 } configured ? configured : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Page.SetDefaultTimeout(15_000);
        Page.Console += (_, message) =>
        {
            if (message.Type == "error" && !ExpectedFailures.Any(message.Text.Contains))
            {
                Problems.Add($"console: {message.Text}");
            }
        };
        Page.PageError += (_, error) => Problems.Add($"page error: {error}");
        Page.Request += (_, request) =>
        {
            // The service works offline: no page may ask another host for anything (fonts, scripts, images).
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && !url.IsLoopback)
            {
                Problems.Add($"request to another host: {request.Method} {request.Url}");
            }
        };
        Page.RequestFailed += (_, request) => Problems.Add($"request failed: {request.Method} {request.Url} ({request.Failure})");
        Page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !ExpectedFailures.Any(response.Url.Contains))
            {
                Problems.Add($"{response.Status}: {response.Request.Method} {response.Url}");
            }
        };
    }

    public override async ValueTask DisposeAsync()
    {
        if (Problems.Count > 0)
        {
            TestContext.Current.SendDiagnosticMessage($"{GetType().Name}: the page's problems:{Environment.NewLine}{string.Join(Environment.NewLine, Problems)}");
        }

        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Asserts the page has had no problem so far.</summary>
    protected void AssertNoProblems() => Assert.True(Problems.Count == 0, string.Join(Environment.NewLine, Problems));

    protected async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }
}
