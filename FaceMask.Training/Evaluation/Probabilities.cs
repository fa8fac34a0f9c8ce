namespace FaceMask.Training.Evaluation;

/// <summary>What a model's output vector says.</summary>
public static class Probabilities
{
    /// <summary>The index of the largest value: the predicted class (the first on a tie).</summary>
    public static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
