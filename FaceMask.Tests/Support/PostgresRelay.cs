using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace FaceMask.Tests.Support;

/// <summary>
/// A TCP relay between a service and the test PostgreSQL server, which a test cuts and restores:
/// to the service that is its database going away (open connections reset, new ones refused) and
/// coming back at the same address, without stopping the server the other tests share.
/// </summary>
public sealed class PostgresRelay : IAsyncDisposable
{
    private readonly DnsEndPoint server;
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;
    private CancellationTokenSource? running;

    private PostgresRelay(DnsEndPoint server, int port)
    {
        this.server = server;
        Port = port;
    }

    /// <summary>The loopback port the service connects to.</summary>
    public int Port { get; private set; }

    /// <summary>A relay to the server of <paramref name="connectionString"/>, listening on a free loopback port.</summary>
    public static PostgresRelay Start(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var relay = new PostgresRelay(new DnsEndPoint(builder.Host!, builder.Port), 0);
        relay.Restore();
        return relay;
    }

    /// <summary><paramref name="connectionString"/> pointed at the relay.</summary>
    public string Redirect(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Host = IPAddress.Loopback.ToString(), Port = Port }.ConnectionString;

    /// <summary>The database goes away: the relay stops listening and resets every open connection.</summary>
    public void Cut()
    {
        running?.Cancel();
        listener?.Stop();
        lock (open)
        {
            foreach (var client in open)
            {
                client.Client.LingerState = new LingerOption(true, 0); // reset, as a killed server's host does
                client.Dispose();
            }

            open.Clear();
        }
    }

    /// <summary>The database is back at the same address.</summary>
    public void Restore()
    {
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        running = new CancellationTokenSource();
        _ = AcceptAsync(listener, running.Token);
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        running?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener accepting, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await accepting.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var upstream = new TcpClient();
        lock (open)
        {
            open.Add(client);
            open.Add(upstream);
        }

        try
        {
            await upstream.ConnectAsync(server.Host, server.Port, cancellationToken);
            var toServer = client.GetStream().CopyToAsync(upstream.GetStream(), cancellationToken);
            var toClient = upstream.GetStream().CopyToAsync(client.GetStream(), cancellationToken);
            await Task.WhenAny(toServer, toClient);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The relay was cut, or one side closed: close the other.
        }
        finally
        {
            lock (open)
            {
                open.Remove(client);
                open.Remove(upstream);
            }

            client.Dispose();
            upstream.Dispose();
        }
    }
}
