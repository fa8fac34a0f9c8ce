using System.Diagnostics;
using FaceMask.Training.Imaging;
using FaceMask.Training.Keras;
using FaceMask.Training.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceMask.Training.Learning;

/// <summary>
/// Trains a Keras-spec CNN with TorchSharp: AdamW with warm-up and cosine decay, class-weighted
/// label-smoothed cross-entropy, shortcut-fighting augmentation prepared in the background, early
/// stopping on validation macro-F1 (over a <see cref="ValidationSet"/>, by default with shifted copies).
/// Native memory is released every step (dispose scopes).
/// </summary>
public static class Trainer
{
    /// <summary>Side of the stored training images relative to the input: room for random crops.</summary>
    public const double TrainingImageMargin = 1.15;

    public static TrainingResult Fit(
        KerasModel initial,
        Preprocessing preprocessing,
        LabelledImages train,
        ValidationSet validation,
        TrainingOptions options,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (train.Count == 0 || validation.Count == 0)
        {
            throw new ArgumentException($"Training needs images in both parts: {train.Count} training, {validation.Count} validation.");
        }

        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(options.Seed);
        using var run = new TrainingRun(initial, preprocessing, train, options);
        var history = new List<EpochResult>();
        var best = (Epoch: 0, MacroF1: double.NegativeInfinity, Model: initial);
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var epochWatch = Stopwatch.StartNew();
            var pass = run.TrainEpoch(epoch, progress, cancellationToken);
            var (validationLoss, report) = run.Validate(validation);
            var result = new EpochResult(epoch, pass.Loss, pass.Accuracy, validationLoss, report.Accuracy, report.MacroF1,
                pass.LearningRate, epochWatch.Elapsed.TotalSeconds, run.EpochSize / epochWatch.Elapsed.TotalSeconds);
            history.Add(result);
            if (report.MacroF1 > best.MacroF1)
            {
                best = (epoch, report.MacroF1, run.Kept());
            }

            progress?.Report(new TrainingProgress(epoch, options.Epochs, run.StepsPerEpoch, run.StepsPerEpoch, result.TrainLoss, run.ImagesPerSecond, result));
            if (epoch - best.Epoch >= options.Patience)
            {
                return new TrainingResult(best.Model, history, best.Epoch, run.Elapsed, run.ImagesPerSecond, StoppedEarly: true);
            }
        }

        return new TrainingResult(best.Model, history, best.Epoch, run.Elapsed, run.ImagesPerSecond, StoppedEarly: false);
    }

    /// <summary>Class probabilities for preprocessed NHWC inputs, in batches, without gradients.</summary>
    public static float[][] Predict(TorchKerasModel model, float[] inputs, int count, Preprocessing preprocessing, int batchSize = 256)
    {
        model.eval();
        var results = new float[count][];
        using var _ = no_grad();
        for (var start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var size = Math.Min(batchSize, count - start);
            var batch = tensor(inputs.AsSpan(start * preprocessing.InputLength, size * preprocessing.InputLength).ToArray(),
                [size, preprocessing.Height, preprocessing.Width, preprocessing.Channels]);
            var probabilities = model.forward(batch).data<float>().ToArray();
            var classes = probabilities.Length / size;
            for (var i = 0; i < size; i++)
            {
                results[start + i] = probabilities.AsSpan(i * classes, classes).ToArray();
            }
        }

        return results;
    }

    /// <summary>Images written as network input with no augmentation: the serving path.</summary>
    public static float[] Inputs(LabelledImages images, Preprocessing preprocessing)
    {
        var inputs = new float[images.Count * preprocessing.InputLength];
        Parallel.For(0, images.Count, i =>
        {
            using var view = images.View(i);
            using var resized = images.Side == preprocessing.Width ? null : ImagePreprocessor.Resize(view, preprocessing);
            ImagePreprocessor.WriteInput(resized ?? view, preprocessing, inputs.AsSpan(i * preprocessing.InputLength, preprocessing.InputLength));
        });
        return inputs;
    }
}
