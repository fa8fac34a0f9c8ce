namespace FaceMask.Training.Common;

/// <summary>
/// The three classes of the public face-mask dataset, named as its folders are, in the order of the
/// output vector and of every confusion matrix. Models may have other classes; these are the ones
/// painting, the synthetic faces and the pages know.
/// </summary>
public static class MaskClasses
{
    public const string Incorrect = "mask_weared_incorrect";
    public const string WithMask = "with_mask";
    public const string WithoutMask = "without_mask";

    public static IReadOnlyList<string> All { get; } = [Incorrect, WithMask, WithoutMask];

    /// <summary>What a person reads for each class.</summary>
    public static string Label(string className) => className switch
    {
        WithMask => "mask worn correctly",
        Incorrect => "mask worn incorrectly",
        WithoutMask => "no mask",
        _ => className.Replace('_', ' '),
    };
}
