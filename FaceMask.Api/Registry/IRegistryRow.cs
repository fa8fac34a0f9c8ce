namespace FaceMask.Api.Registry;

/// <summary>One row of a registry query, read by column index the same way from either store.</summary>
internal interface IRegistryRow
{
    string? Text(int column);

    double? Number(int column);

    DateTimeOffset? Time(int column);

    Guid Id(int column);
}
