using System.ComponentModel.DataAnnotations;

namespace FaceMask.Api.Detection;

/// <summary><c>Detection:*</c>: the detector of <c>POST /api/detect</c>, its defaults and bounds.</summary>
public sealed class DetectionOptions
{
    public const string Section = "Detection";

    /// <summary>
    /// The face detector's ONNX file: YuNet (the default, chosen on real photos: docs/detection.md), or
    /// BlazeFace's <c>face_detection_front_128x128_barracuda.onnx</c>, swept as a pyramid.
    /// </summary>
    [Required]
    public string Model { get; set; } = "models/yunet/yunet_n_dynamic.onnx";

    /// <summary>YuNet: the photo's longer side is resized to this for its one pass, so a photo's cost is bounded by this setting, not by the upload.</summary>
    [Range(64, 4096)]
    public int WorkingSide { get; set; } = 640;

    /// <summary>Smallest face searched for, in pixels, when the request does not say (<c>min_face</c>).</summary>
    [Range(8, 4096)]
    public int MinFace { get; set; } = 16;

    /// <summary>Most faces answered when the request does not say (<c>max_faces</c>); more are cut off and flagged <c>truncated</c>.</summary>
    [Range(1, 1000)]
    public int MaxFaces { get; set; } = 100;

    /// <summary>Least detector confidence for a face; unset, the detector's calibrated default.</summary>
    [Range(0.05, 0.99)]
    public float? MinScore { get; set; }
}
