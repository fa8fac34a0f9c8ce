using System.Net;
using FaceMask.Tests.Support;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Api;

/// <summary>
/// Behind a trusted reverse proxy (here the test client on loopback, listed in <c>Proxies:KnownProxies</c>)
/// each forwarded client has its own rate-limit bucket and is judged as itself by the loopback admin
/// rule; without a trusted proxy a client's own <c>X-Forwarded-For</c> changes nothing.
/// </summary>
public sealed class ForwardedClientTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket_and_is_not_loopback()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var factory = environment.Start(Limited(new() { ["Proxies:KnownProxies:0"] = "127.0.0.1" }));
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);

        var first = await PredictAsync(client, "203.0.113.7", times: 3);
        var second = await PredictAsync(client, "203.0.113.8", times: 1);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], first);
        Assert.Equal([HttpStatusCode.OK], second); // another client behind the same proxy: its own bucket
        using var admin = new HttpRequestMessage(HttpMethod.Post, "/api/retrain") { Headers = { { "X-Forwarded-For", "203.0.113.7" } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(admin, Cancel)).StatusCode); // a remote client, not the proxy's loopback
    }

    [Fact]
    public async Task Without_a_trusted_proxy_a_clients_forwarded_header_is_ignored()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var factory = environment.Start(Limited(new() { ["Proxies:KnownProxies:0"] = "10.9.9.9" }));
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);

        var first = await PredictAsync(client, "203.0.113.7", times: 2);
        var second = await PredictAsync(client, "203.0.113.8", times: 1);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], first);
        Assert.Equal([HttpStatusCode.TooManyRequests], second); // a new header is not a new bucket
        using var admin = new HttpRequestMessage(HttpMethod.Post, "/api/retrain") { Headers = { { "X-Forwarded-For", "203.0.113.7" } } };
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.SendAsync(admin, Cancel)).StatusCode); // admitted as the loopback caller it is (no data to train on)
    }

    private static Dictionary<string, string?> Limited(Dictionary<string, string?> settings)
    {
        settings["RateLimiting:Enabled"] = "true";
        settings["RateLimiting:BurstLimit"] = "2";
        settings["RateLimiting:RequestsPerSecond"] = "0.001"; // no refill between the requests
        return settings;
    }

    private static async Task<List<HttpStatusCode>> PredictAsync(HttpClient client, string forwardedFor, int times)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < times; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/predict") { Content = PredictionApiTests.Upload("file", TestImages.Face(MaskState.Correct, 1)) };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            statuses.Add((await client.SendAsync(request, Cancel)).StatusCode);
        }

        return statuses;
    }
}
