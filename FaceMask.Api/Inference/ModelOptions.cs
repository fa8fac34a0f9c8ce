using System.ComponentModel.DataAnnotations;

namespace FaceMask.Api.Inference;

/// <summary><c>Model:*</c>: which model folder the service loads at start-up.</summary>
public sealed class ModelOptions
{
    public const string Section = "Model";

    /// <summary>The model folder; a relative path is looked up from the content root and its parents (the repository root when run from source).</summary>
    [Required]
    public string Path { get; set; } = "models/facemask-v2";
}
