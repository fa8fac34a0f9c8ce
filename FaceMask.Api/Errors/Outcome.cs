namespace FaceMask.Api.Errors;

/// <summary>A value or the <see cref="ApiError"/> that prevented it.</summary>
public readonly record struct Outcome<T>(T? Value, ApiError? Error)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(ApiError error) => new(default, error);
}
