using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Api.Security;
using FaceMask.Tests.Api;
using FaceMask.Tests.Support;
using FaceMask.Training.Synthetic;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FaceMask.Tests.Retraining;

public sealed class AdminAccessTests
{
    private const string Key = "s3cret-admin-key";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Every admin route: (method, path, body factory).</summary>
    public static TheoryData<string, string> AdminRoutes => new()
    {
        { "POST", "/api/datasets/new" },
        { "POST", "/api/retrain" },
        { "GET", "/api/retrain/check" },
        { "POST", "/api/models/facemask-v1/activate" },
        { "GET", "/hangfire" },
        { "GET", "/hangfire/jobs/succeeded" },
    };

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task With_a_key_configured_admin_routes_need_it(string method, string path)
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var factory = environment.Start(new Dictionary<string, string?> { ["Admin:ApiKey"] = Key, ["Retraining:Epochs"] = "1" });
        using var client = factory.CreateBrowserLikeClient();
        await factory.WaitUntilReadyAsync(client);

        var anonymous = await client.SendAsync(Request(method, path, null), Cancel);
        var wrong = await client.SendAsync(Request(method, path, "not-the-key"), Cancel);
        var admin = await client.SendAsync(Request(method, path, Key), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, admin.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.True((int)admin.StatusCode < 500, $"{method} {path} with the key answered {(int)admin.StatusCode}: {await admin.Content.ReadAsStringAsync(Cancel)}\n{factory.Log.Text}");
        if (!path.StartsWith("/hangfire", StringComparison.Ordinal))
        {
            await PredictionApiTests.AssertProblem(wrong, HttpStatusCode.Unauthorized, "does not match");
        }
    }

    [Fact]
    public async Task Read_only_routes_stay_public_when_a_key_is_configured()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var factory = environment.Start(new Dictionary<string, string?> { ["Admin:ApiKey"] = Key });
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);

        foreach (var path in new[] { "/api/model/info", "/api/models", "/api/models/facemask-v1", "/api/datasets", "/api/health" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path, Cancel)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/jobs/{Guid.NewGuid()}", Cancel)).StatusCode);

        // The registry shows no server paths to anonymous callers; admins see them.
        var anonymous = await client.GetFromJsonAsync<JsonElement>("/api/models", Cancel);
        Assert.All(anonymous.EnumerateArray(), m => Assert.False(m.TryGetProperty("path", out _)));
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/models/facemask-v1", Cancel)).TryGetProperty("path", out _));
        using var asAdmin = new HttpRequestMessage(HttpMethod.Get, "/api/models/facemask-v1") { Headers = { { AdminAccess.HeaderName, Key } } };
        var admin = await (await client.SendAsync(asAdmin, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(environment.InitialModel, admin.GetProperty("path").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/predict", PredictionApiTests.Upload("file", TestImages.Face(MaskState.None, 1)), Cancel)).StatusCode);
    }

    [Fact]
    public async Task The_one_sign_in_page_sets_a_cookie_that_opens_the_dashboard()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var factory = environment.Start(new Dictionary<string, string?> { ["Admin:ApiKey"] = Key });
        using var client = factory.CreateBrowserLikeClient();

        // A browser opening the dashboard without the key is sent to the sign-in page, and so is one at the old address.
        using var browsing = new HttpRequestMessage(HttpMethod.Get, "/hangfire") { Headers = { { "Accept", "text/html,application/xhtml+xml" } } };
        var redirected = await client.SendAsync(browsing, Cancel);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Equal("/signin?returnUrl=%2Fhangfire", redirected.Headers.Location?.ToString());
        Assert.Equal("/signin?returnUrl=%2Fhangfire", (await client.GetAsync("/hangfire-login", Cancel)).Headers.Location?.ToString());

        var refused = await SignInAsync(client, "wrong");
        var login = await SignInAsync(client, Key);
        var dashboard = await client.GetAsync("/hangfire", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("That key is not the admin key.", await refused.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/hangfire", login.Headers.Location?.ToString());
        Assert.Contains(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AdminAccess.CookieName + "=", StringComparison.Ordinal) && c.Contains("httponly"));
        Assert.DoesNotContain(Key, string.Join(";", login.Headers.GetValues("Set-Cookie")));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("FaceMask jobs", await dashboard.Content.ReadAsStringAsync(Cancel));

        // A post without the page's antiforgery token is refused as the client's mistake, not a server error.
        var forged = await client.PostAsync("/signin", new FormUrlEncodedContent([new("key", Key)]), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    /// <summary>Posts the key as the sign-in page's form does, with its antiforgery token, on the way to the dashboard.</summary>
    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string key)
    {
        var page = await client.GetStringAsync("/signin?returnUrl=%2Fhangfire", Cancel);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        return await client.PostAsync("/signin", new FormUrlEncodedContent([new("key", key), new("returnUrl", "/hangfire"), new("__RequestVerificationToken", token)]), Cancel);
    }

    [Fact]
    public async Task Replicas_sharing_the_key_folder_accept_each_others_sign_in_cookie()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        var shared = Path.Combine(environment.Root, "keys");
        await using var first = environment.Start(new Dictionary<string, string?> { ["Admin:ApiKey"] = Key, ["Paths:DataProtectionKeys"] = shared });
        await using var second = environment.Start(new Dictionary<string, string?> { ["Admin:ApiKey"] = Key, ["Paths:DataProtectionKeys"] = shared });
        await using var stranger = environment.Start(new Dictionary<string, string?> { ["Admin:ApiKey"] = Key, ["Paths:DataProtectionKeys"] = Path.Combine(environment.Root, "other-keys") });
        using var signingIn = first.CreateBrowserLikeClient();

        var login = await SignInAsync(signingIn, Key);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AdminAccess.CookieName + "=", StringComparison.Ordinal)).Split(';')[0];

        Assert.Equal(HttpStatusCode.OK, (await Dashboard(second)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Dashboard(stranger)).StatusCode);
        Assert.NotEmpty(Directory.GetFiles(shared, "key-*.xml"));

        async Task<HttpResponseMessage> Dashboard(ApiFactory replica)
        {
            using var client = replica.CreateBrowserLikeClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire") { Headers = { { "Accept", "text/html" }, { "Cookie", cookie } } };
            return await client.SendAsync(request, Cancel);
        }
    }

    [Fact]
    public async Task The_admin_key_can_come_from_a_secret_file_and_wins_over_the_environment()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        var secrets = Directory.CreateDirectory(Path.Combine(environment.Root, "secrets")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "Admin__ApiKey"), "key-from-a-file\n", Cancel); // as docker writes a secret
        await using var service = environment.StartProcess(new Dictionary<string, string?> { ["Secrets:Directory"] = secrets, ["Admin:ApiKey"] = "key-from-the-environment" });
        await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        async Task<HttpStatusCode> ActivateWith(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/models/facemask-v1/activate") { Headers = { { AdminAccess.HeaderName, key } } };
            return (await service.Client.SendAsync(request, Cancel)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await ActivateWith("key-from-a-file"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ActivateWith("key-from-the-environment"));
    }

    [Fact]
    public async Task Without_a_key_admin_routes_accept_this_machine()
    {
        await using var environment = ServiceEnvironment.Create(Storage.Sqlite, facesPerClass: 0);
        await using var factory = environment.Start();
        using var client = factory.CreateClient();
        await factory.WaitUntilReadyAsync(client);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/hangfire", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/models/facemask-v1/activate", null, Cancel)).StatusCode);
    }

    [Theory]
    [InlineData(null, "127.0.0.1", null, AdminDecision.Allowed)]
    [InlineData(null, "::1", null, AdminDecision.Allowed)]
    [InlineData(null, "192.0.2.10", null, AdminDecision.NotLoopback)]
    [InlineData(null, "192.0.2.10", Key, AdminDecision.NotLoopback)]
    [InlineData(Key, "192.0.2.10", Key, AdminDecision.Allowed)]
    [InlineData(Key, "127.0.0.1", null, AdminDecision.MissingKey)]
    [InlineData(Key, "127.0.0.1", "wrong", AdminDecision.WrongKey)]
    public void Decides_by_key_and_address(string? configuredKey, string remote, string? sentKey, AdminDecision expected)
    {
        var access = new AdminAccess(Options.Create(new AdminOptions { ApiKey = configuredKey }), new EphemeralDataProtectionProvider());
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(remote);
        if (sentKey is not null)
        {
            context.Request.Headers[AdminAccess.HeaderName] = sentKey;
        }

        Assert.Equal(expected, access.Check(context));
    }

    private static HttpRequestMessage Request(string method, string path, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = PredictionApiTests.LabelledFace(4);
        }

        if (key is not null)
        {
            request.Headers.Add(AdminAccess.HeaderName, key);
        }

        return request;
    }
}
