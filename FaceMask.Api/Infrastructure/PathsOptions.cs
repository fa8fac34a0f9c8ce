using System.ComponentModel.DataAnnotations;

namespace FaceMask.Api.Infrastructure;

/// <summary>
/// <c>Paths:*</c>: where the data and models live. Relative paths resolve from the content root or
/// its nearest parent that has them (see <see cref="ServicePaths"/>): the repository's top-level
/// folders when run from source.
/// </summary>
public sealed class PathsOptions
{
    public const string Section = "Paths";

    [Required]
    public string Dataset { get; set; } = "Dataset";

    [Required]
    public string DatasetNew { get; set; } = "DatasetNew";

    [Required]
    public string DatasetSplit { get; set; } = "Dataset_Split";

    [Required]
    public string Models { get; set; } = "models";

    /// <summary>The reference evaluation set (images no training run uses; see docs/api.md).</summary>
    [Required]
    public string ReferenceSet { get; set; } = "ReferenceSet";

    /// <summary>
    /// The BlazeFace ONNX file retraining paints masks and frames faces with (vendored under
    /// <c>models/blazeface/</c>; its six keypoints place the masks); where it is absent, faces get the
    /// aligned-portrait geometry. <c>/api/detect</c>'s detector is <c>Detection:Model</c>.
    /// </summary>
    [Required]
    public string FaceDetector { get; set; } = "models/blazeface/face_detection_front_128x128_barracuda.onnx";

    /// <summary>Where each retrain writes its own split (one folder per target version); default <c>&lt;DatasetSplit&gt;/retrains</c>.</summary>
    public string? RetrainSplits { get; set; }

    /// <summary>
    /// Where the Data Protection key ring (the admin sign-in cookie's keys) is kept; replicas that share
    /// the folder accept each other's cookies. Unset: ASP.NET Core's default, per machine and user.
    /// </summary>
    public string? DataProtectionKeys { get; set; }
}
