using FaceMask.Training.Common;

namespace FaceMask.Api.Web;

/// <summary>How the pages show the classes they know: a label people read and a colour per verdict (contrast at least 4.5:1 on white). Handed to the scripts by the layout.</summary>
public static class ClassDisplay
{
    public static IReadOnlyDictionary<string, ClassLook> Known { get; } = new Dictionary<string, ClassLook>
    {
        [MaskClasses.WithMask] = new(MaskClasses.Label(MaskClasses.WithMask), "#1a7f37"),
        [MaskClasses.Incorrect] = new(MaskClasses.Label(MaskClasses.Incorrect), "#b35900"),
        [MaskClasses.WithoutMask] = new(MaskClasses.Label(MaskClasses.WithoutMask), "#c62828"),
    };

    /// <summary>What a person reads for a class: "mask worn incorrectly" for <c>mask_weared_incorrect</c>; the label itself stays in JSON and folder names.</summary>
    public static string Label(string className) => MaskClasses.Label(className);

    public sealed record ClassLook(string Label, string Colour);
}
