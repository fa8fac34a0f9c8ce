using FaceMask.Api.Registry;
using FaceMask.Training.Evaluation;

namespace FaceMask.Api.ModelUploads;

/// <summary>
/// A registered upload: its registry row (a Candidate, never activated by the upload), what the
/// promotion gate would decide against the active model and why, and its figures on the reference
/// set as it is and under every robustness shift (null without a reference set).
/// </summary>
public sealed record ModelUploadResponse(
    ModelVersionResponse Model,
    bool GateWouldPromote,
    string Decision,
    IReadOnlyList<GateReason> Reasons,
    string? ReferenceVersion,
    ClassificationReport? Reference,
    RobustnessReport? Robustness);
