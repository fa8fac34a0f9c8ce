using FaceMask.Tests.Support;
using Microsoft.Playwright;

namespace FaceMask.Tests.Web;

/// <summary>A page test with a service of its own (its own data and settings), started before the browser and stopped after it.</summary>
public abstract class OwnServicePageTest : ChromiumPageTest
{
    protected ServiceEnvironment Environment { get; private set; } = null!;

    protected ApiFactory Factory { get; private set; } = null!;

    public override BrowserNewContextOptions ContextOptions() => new() { BaseURL = Factory.ClientOptions.BaseAddress.ToString().TrimEnd('/'), Locale = "en-US" };

    public override async ValueTask InitializeAsync()
    {
        Environment = CreateEnvironment();
        Factory = Environment.Start(Settings);
        await Factory.WaitUntilReadyAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Factory.DisposeAsync();
        await Environment.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The service's folders: drawn faces and a first model, prepared as the test needs.</summary>
    protected abstract ServiceEnvironment CreateEnvironment();

    /// <summary>Settings on top of the environment's.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();
}
