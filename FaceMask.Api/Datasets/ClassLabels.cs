namespace FaceMask.Api.Datasets;

/// <summary>
/// The one rule for the labels of uploaded images (dataset uploads, retrains, the reference set):
/// a label must be usable as a class folder name and, unless the operator asks for a new class
/// set, one of the classes the service knows.
/// </summary>
public static class ClassLabels
{
    /// <summary>Whether a label can name a class folder: ASCII letters, digits, '_', '-' and '.', not starting with '.' or '-'.</summary>
    public static bool IsValidName(string label) =>
        label.Length is > 0 and <= 100 && !label.StartsWith('.') && !label.StartsWith('-') && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    /// <summary>Why <paramref name="label"/> is refused, or null when it is accepted.</summary>
    /// <param name="known">The classes it must be one of; null when there is nothing to compare with yet.</param>
    /// <param name="newClassSet">The operator asked for a new class set: any valid name is accepted.</param>
    public static string? Refusal(string label, IReadOnlyList<string>? known, bool newClassSet)
    {
        if (!IsValidName(label))
        {
            return $"'{label}' cannot name a class: use letters, digits, '_', '-' and '.' (not first).";
        }

        return newClassSet || known is null || known.Contains(label, StringComparer.Ordinal)
            ? null
            : $"Unknown label '{label}': the served model's classes are {string.Join(", ", known)}. Send new_classes=true to start a new class set.";
    }
}
