namespace FaceMask.Api.Registry;

/// <summary>Whether a candidate replaces the active model, and every reason it does not.</summary>
public sealed record PromotionDecision(bool Promote, string Summary, IReadOnlyList<GateReason> Reasons);
