using Npgsql;

namespace FaceMask.Api.Infrastructure;

/// <summary>
/// Settings from secret files, one value per file named by its key (<c>Admin__ApiKey</c>,
/// <c>Postgres__Password</c>, <c>ConnectionStrings__Postgres</c>): Docker and compose secrets under
/// <c>/run/secrets</c>, or the folder <c>Secrets:Directory</c> names. Added last, so a secret file
/// wins over the environment, and a key kept in a file never shows in <c>docker inspect</c>.
/// <c>Postgres:Password</c> completes a <c>ConnectionStrings:Postgres</c> that has no password, so
/// the connection string itself can stay in plain configuration.
/// </summary>
public static class SecretFiles
{
    public const string DefaultDirectory = "/run/secrets";

    public const string PostgresPasswordKey = "Postgres:Password";

    public static WebApplicationBuilder AddSecretFiles(this WebApplicationBuilder builder)
    {
        var directory = Path.GetFullPath(builder.Configuration["Secrets:Directory"] is { Length: > 0 } configured ? configured : DefaultDirectory);
        EnsureReadable(directory);
        builder.Configuration.AddKeyPerFile(directory, optional: true);
        if (builder.Configuration[PostgresPasswordKey] is { Length: > 0 } password
            && builder.Configuration.GetConnectionString("Postgres") is { Length: > 0 } connectionString
            && new NpgsqlConnectionStringBuilder(connectionString) is { Password: null or "" } withoutPassword)
        {
            withoutPassword.Password = password;
            builder.Configuration["ConnectionStrings:Postgres"] = withoutPassword.ConnectionString;
        }

        return builder;
    }

    /// <summary>
    /// Refuses to start on a secret this process cannot read (a root-owned 0600 file mounted into a
    /// container that runs as another user) with a message saying so, rather than the configuration
    /// reader's bare "access denied".
    /// </summary>
    private static void EnsureReadable(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory))
        {
            try
            {
                using var _ = File.OpenRead(file);
            }
            catch (UnauthorizedAccessException)
            {
                throw new SecretFileException(
                    $"The secret file {file} cannot be read by user {Environment.UserName}: make it readable by the container's user " +
                    "(for compose, e.g. chmod 0644 on a file in a folder only its owner can enter; docs/operations.md).");
            }
        }
    }
}
