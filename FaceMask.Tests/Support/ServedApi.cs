namespace FaceMask.Tests.Support;

/// <summary>
/// A class fixture: one real Kestrel service with a scratch folder, ready before the first test
/// and shut down after the last. Subclasses say how it is configured (the model they write into
/// <see cref="Directory"/>, limits, ...).
/// </summary>
public abstract class ServedApi : IAsyncLifetime
{
    private readonly Lazy<ApiFactory> factory;
    private readonly Lazy<HttpClient> client;

    protected ServedApi()
    {
        factory = new Lazy<ApiFactory>(() => new ApiFactory(Settings()));
        client = new Lazy<HttpClient>(() => Factory.CreateClient());
    }

    public ApiFactory Factory => factory.Value;

    public HttpClient Client => client.Value;

    protected TempDirectory Directory { get; } = new();

    public async ValueTask InitializeAsync() => await Factory.WaitUntilReadyAsync(Client);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Directory.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The service's configuration (called once, before it starts).</summary>
    protected abstract IReadOnlyDictionary<string, string?> Settings();
}
