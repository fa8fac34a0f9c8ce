using FaceMask.Training.Keras;
using FaceMask.Training.Torch;
using static TorchSharp.torch;

namespace FaceMask.Training.Learning;

/// <summary>
/// An exponential moving average of a model's parameters and batch-norm statistics, kept in a
/// second model. With decay 0 it is the model itself.
/// </summary>
internal sealed class WeightAverage : IDisposable
{
    private readonly TorchKerasModel? average;
    private readonly (Tensor Average, Tensor Current)[] pairs = [];
    private readonly double decay;
    private long updates;

    public WeightAverage(TorchKerasModel model, KerasModel initial, double decay)
    {
        this.decay = decay;
        Model = model;
        if (decay > 0)
        {
            average = TorchKerasModel.FromKeras(initial);
            average.eval();
            pairs = average.parameters().Cast<Tensor>().Concat(average.buffers())
                .Zip(model.parameters().Cast<Tensor>().Concat(model.buffers()))
                .ToArray();
            Model = average;
        }
    }

    /// <summary>The model to validate and keep: the average, or the model when averaging is off.</summary>
    public TorchKerasModel Model { get; }

    public void Update()
    {
        if (average is null)
        {
            return;
        }

        // Ramp the decay up at the start so the average is not dominated by the initial weights.
        updates++;
        var rate = Math.Min(decay, (1.0 + updates) / (10.0 + updates));
        using var _ = no_grad();
        foreach (var (averaged, current) in pairs)
        {
            averaged.mul_(rate).add_(current, alpha: 1 - rate);
        }
    }

    public void Dispose() => average?.Dispose();
}
