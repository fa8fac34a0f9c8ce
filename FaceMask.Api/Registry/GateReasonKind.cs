namespace FaceMask.Api.Registry;

/// <summary>Why the promotion gate kept a candidate.</summary>
public enum GateReasonKind
{
    /// <summary>No model is active, or it cannot be loaded.</summary>
    NoActiveModel,

    /// <summary>The candidate's classes differ from the active model's.</summary>
    ClassesDiffer,

    /// <summary>Its input size or preprocessing differs from the active model's.</summary>
    InputContractDiffers,

    /// <summary>There is no reference set to judge it on.</summary>
    NoReferenceSet,

    /// <summary>The reference set lacks images of some of its classes.</summary>
    ReferenceSetLacksClasses,

    /// <summary>The reference set has fewer images of some class than <c>Retraining:MinReferencePerClass</c>.</summary>
    ReferenceSetTooSmall,

    /// <summary>Its macro-F1 on the reference set is below the active model's minus the margin.</summary>
    MacroF1Lower,

    /// <summary>Its macro-F1 on the reference set equals the active model's minus the margin: a tie is not an improvement.</summary>
    NoImprovement,

    /// <summary>A class's recall on the reference set dropped by more than allowed.</summary>
    ClassRecallDropped,

    /// <summary>Its worst robustness row dropped by more than allowed.</summary>
    RobustnessDropped,

    /// <summary>Another version became active between the evaluation and the decision.</summary>
    ActiveModelChanged,

    /// <summary>A reason recorded as text by an earlier version of the service.</summary>
    Recorded,
}
