using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FaceMask.Tests.Api;

public sealed class HealthEndpointTests : IDisposable
{
    private readonly WebApplicationFactory<Program> factory = new();

    public HealthEndpointTests()
    {
        factory.UseKestrel(0); // a real Kestrel server on a free loopback port
        factory.StartServer();
    }

    [Fact]
    public async Task Health_answers_healthy_in_the_python_services_shape()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.True(body.TryGetProperty("version", out _));
    }

    [Fact]
    public async Task Unknown_routes_are_problem_details()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/nothing-here", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => factory.Dispose();
}
