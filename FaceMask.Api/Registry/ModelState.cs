namespace FaceMask.Api.Registry;

/// <summary>Where a model version stands.</summary>
public enum ModelState
{
    /// <summary>Trained and evaluated, not served (not better than the active model, or not yet decided).</summary>
    Candidate,

    /// <summary>The one model every replica serves.</summary>
    Active,

    /// <summary>Was active; replaced by a promotion or a rollback. Can be activated again.</summary>
    Retired,
}
