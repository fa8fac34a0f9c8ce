using System.ComponentModel.DataAnnotations;

namespace FaceMask.Api.Detection;

/// <summary><c>Detection:*</c>: defaults and bounds of <c>POST /api/detect</c>.</summary>
public sealed class DetectionOptions
{
    public const string Section = "Detection";

    /// <summary>Smallest face searched for, in pixels, when the request does not say (<c>min_face</c>).</summary>
    [Range(8, 4096)]
    public int MinFace { get; set; } = 16;

    /// <summary>Most faces answered when the request does not say (<c>max_faces</c>); more are cut off and flagged <c>truncated</c>.</summary>
    [Range(1, 1000)]
    public int MaxFaces { get; set; } = 100;

    /// <summary>Least detector confidence for a face.</summary>
    [Range(0.05, 0.99)]
    public float MinScore { get; set; } = 0.5f;
}
