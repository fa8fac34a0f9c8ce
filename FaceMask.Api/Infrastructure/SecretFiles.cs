namespace FaceMask.Api.Infrastructure;

/// <summary>
/// Settings from secret files, one value per file named by its key (<c>Admin__ApiKey</c>,
/// <c>ConnectionStrings__Postgres</c>): Docker and compose secrets under <c>/run/secrets</c>, or the
/// folder <c>Secrets:Directory</c> names. Added last, so a secret file wins over the environment, and
/// a key kept in a file never shows in <c>docker inspect</c>.
/// </summary>
public static class SecretFiles
{
    public const string DefaultDirectory = "/run/secrets";

    public static WebApplicationBuilder AddSecretFiles(this WebApplicationBuilder builder)
    {
        var directory = builder.Configuration["Secrets:Directory"] is { Length: > 0 } configured ? configured : DefaultDirectory;
        builder.Configuration.AddKeyPerFile(Path.GetFullPath(directory), optional: true);
        return builder;
    }
}
