namespace FaceMask.Training.Data;

/// <summary>Fractions of the data for validation and test; training gets the rest.</summary>
public sealed record SplitFractions(double Val, double Test)
{
    public static SplitFractions Default { get; } = new(0.15, 0.15);

    public double Train => 1 - Val - Test;

    public double this[SplitPart part] => part switch
    {
        SplitPart.Train => Train,
        SplitPart.Val => Val,
        SplitPart.Test => Test,
        _ => throw new ArgumentOutOfRangeException(nameof(part)),
    };

    /// <exception cref="ArgumentException">A fraction is negative or training would get nothing.</exception>
    public void Validate()
    {
        if (Val < 0 || Test < 0 || Val + Test >= 1)
        {
            throw new ArgumentException($"--val {Val} and --test {Test} must be non-negative and leave something for training (sum below 1).");
        }
    }
}
