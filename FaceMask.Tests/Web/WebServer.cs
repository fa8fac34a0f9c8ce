using FaceMask.Tests.Support;
using FaceMask.Training.Detection;

namespace FaceMask.Tests.Web;

/// <summary>
/// The service the browser tests drive: a real Kestrel server over a small retraining environment
/// (drawn faces in Dataset/, an untrained first model, SQLite), the vendored face detector, no admin
/// key (so this machine is admin), short training.
/// </summary>
public sealed class WebServer : IAsyncLifetime
{
    private ServiceEnvironment environment = null!;

    public ApiFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string BaseAddress => Factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');

    public async ValueTask InitializeAsync()
    {
        environment = ServiceEnvironment.Create(Storage.Sqlite, seed: 11);
        Factory = environment.Start(new Dictionary<string, string?>
        {
            ["Paths:FaceDetector"] = Path.Combine(RepositoryPaths.Root, "models", "blazeface", BlazeFaceDetector.FrontModelFile),
            ["Retraining:Epochs"] = "4",
        });
        Client = Factory.CreateClient();
        await Factory.WaitUntilReadyAsync(Client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await environment.DisposeAsync();
    }
}
