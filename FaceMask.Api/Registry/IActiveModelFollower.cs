namespace FaceMask.Api.Registry;

/// <summary>
/// What keeps this replica serving the registry's active version (the inference side implements
/// it): told after a local activation or promotion, so it need not wait for its next poll.
/// </summary>
public interface IActiveModelFollower
{
    /// <summary>Checks the registry now instead of at the next poll.</summary>
    void RefreshNow();

    /// <summary>Loads the registry's active model if this replica serves another one; true when it serves the active one afterwards.</summary>
    Task<bool> SynchronizeAsync(CancellationToken cancellationToken);
}
