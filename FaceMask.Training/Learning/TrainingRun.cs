using System.Diagnostics;
using FaceMask.Training.Common;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Imaging;
using FaceMask.Training.Keras;
using FaceMask.Training.Painting;
using FaceMask.Training.Torch;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace FaceMask.Training.Learning;

/// <summary>
/// The state of one <see cref="Trainer.Fit"/>: the model and its weight average, the optimiser and
/// its schedule, what each epoch trains on. <see cref="TrainEpoch"/> runs one pass over the
/// training data, <see cref="Validate"/> one validation step.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    private readonly Preprocessing preprocessing;
    private readonly LabelledImages train;
    private readonly TrainingOptions options;
    private readonly TorchKerasModel model;
    private readonly WeightAverage averaged;
    private readonly torch.optim.Optimizer optimizer;
    private readonly Augmenter augmenter;
    private readonly FaceGeometry[] faces;
    private readonly EpochPlan plan;
    private readonly Tensor? classWeights;
    private readonly int warmupSteps;
    private readonly int totalSteps;
    private readonly Stopwatch stopwatch = Stopwatch.StartNew();
    private long imagesSeen;
    private int step;

    public TrainingRun(KerasModel initial, Preprocessing preprocessing, LabelledImages train, TrainingOptions options)
    {
        this.preprocessing = preprocessing;
        this.train = train;
        this.options = options;
        model = TorchKerasModel.FromKeras(initial);
        averaged = new WeightAverage(model, initial, options.AverageDecay);
        optimizer = torch.optim.AdamW(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
        augmenter = new Augmenter(preprocessing);
        faces = train.Faces ?? FacePainting.Locate(train.Count, train.View, detector: null);
        plan = new EpochPlan(train, options);
        classWeights = ClassWeights(train.Classes.Count, plan.For(1).Select(s => s.Label), options.ClassWeighting);
        StepsPerEpoch = (plan.Size + options.BatchSize - 1) / options.BatchSize;
        totalSteps = StepsPerEpoch * options.Epochs;
        warmupSteps = StepsPerEpoch * options.WarmupEpochs;
    }

    /// <summary>What one pass over the training data achieved.</summary>
    public readonly record struct EpochPass(double Loss, double Accuracy, double LearningRate);

    /// <summary>Samples per epoch: the training images and the painted ones.</summary>
    public int EpochSize => plan.Size;

    public int StepsPerEpoch { get; }

    public TimeSpan Elapsed => stopwatch.Elapsed;

    public double ImagesPerSecond => imagesSeen / stopwatch.Elapsed.TotalSeconds;

    /// <summary>The weights validated and kept: the average, or the model itself when averaging is off.</summary>
    public KerasModel Kept() => averaged.Model.ToKeras();

    /// <summary>One pass over the epoch's samples; the next batch is augmented on the thread pool while the current one trains.</summary>
    public EpochPass TrainEpoch(int epoch, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        model.train();
        var samples = plan.For(epoch);
        double lossSum = 0;
        var correct = 0;
        var learningRate = 0.0;
        Task<(float[] Inputs, long[] Labels)> Prepare(int start) =>
            Task.Run(() => AugmentBatch(samples, start, epoch), cancellationToken);
        var next = Prepare(0);
        for (var batchIndex = 0; batchIndex < StepsPerEpoch; batchIndex++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (inputs, labels) = next.GetAwaiter().GetResult();
            if (batchIndex + 1 < StepsPerEpoch)
            {
                next = Prepare((batchIndex + 1) * options.BatchSize);
            }

            learningRate = LearningRate(options.LearningRate, step++, warmupSteps, totalSteps);
            var (loss, hits) = Step(inputs, labels, learningRate);
            lossSum += loss * labels.Length;
            correct += hits;
            imagesSeen += labels.Length;
            if (batchIndex % 5 == 0 || batchIndex == StepsPerEpoch - 1)
            {
                progress?.Report(new TrainingProgress(epoch, options.Epochs, batchIndex + 1, StepsPerEpoch,
                    lossSum / Math.Min(EpochSize, (batchIndex + 1) * options.BatchSize), ImagesPerSecond, null));
            }
        }

        return new EpochPass(lossSum / EpochSize, (double)correct / EpochSize, learningRate);
    }

    /// <summary>The kept weights' loss and figures on the validation set.</summary>
    public (double Loss, ClassificationReport Report) Validate(ValidationSet validation)
    {
        var probabilities = Trainer.Predict(averaged.Model, validation.Inputs, validation.Count, preprocessing);
        var predicted = probabilities.Select(Probabilities.ArgMax).ToArray();
        using var scope = NewDisposeScope();
        var logProbabilities = tensor(probabilities.SelectMany(p => p).ToArray(), [validation.Count, validation.Classes.Count]).clamp_min(1e-7f).log();
        var loss = F.nll_loss(logProbabilities, tensor(validation.Labels.Select(l => (long)l).ToArray()), classWeights).item<float>();
        return (loss, ClassificationReport.Compute(validation.Classes, validation.Labels, predicted));
    }

    public void Dispose()
    {
        classWeights?.Dispose();
        optimizer.Dispose();
        averaged.Dispose();
        model.Dispose();
    }

    /// <summary>One optimiser step on a batch; its mean loss and how many it got right.</summary>
    private (float Loss, int Correct) Step(float[] inputs, long[] labels, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = learningRate;
        }

        using var scope = NewDisposeScope();
        var batch = tensor(inputs, [labels.Length, preprocessing.Height, preprocessing.Width, preprocessing.Channels]);
        var targets = tensor(labels, ScalarType.Int64);
        var logits = model.ForwardLogits(batch);
        var loss = F.cross_entropy(logits, targets, classWeights, label_smoothing: options.LabelSmoothing);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        averaged.Update();
        return (loss.item<float>(), (int)logits.argmax(1).eq(targets).sum().item<long>());
    }

    private (float[] Inputs, long[] Labels) AugmentBatch(EpochPlan.Sample[] samples, int start, int epoch)
    {
        var size = Math.Min(options.BatchSize, samples.Length - start);
        var inputs = new float[size * preprocessing.InputLength];
        var labels = new long[size];
        Parallel.For(0, size, i =>
        {
            var sample = samples[start + i];
            using var view = train.View(sample.Index);
            using var background = train.View(sample.Background);
            augmenter.Write(view, faces[sample.Index], sample.Paint, background, Seeds.Mix(options.Seed, epoch, start + i),
                inputs.AsSpan(i * preprocessing.InputLength, preprocessing.InputLength));
            labels[i] = sample.Label;
        });
        return (inputs, labels);
    }

    private static Tensor? ClassWeights(int classes, IEnumerable<int> labels, bool enabled)
    {
        if (!enabled)
        {
            return null;
        }

        var counts = new int[classes];
        foreach (var label in labels)
        {
            counts[label]++;
        }

        var total = counts.Sum();
        var present = counts.Count(c => c > 0);
        return tensor(counts.Select(c => c == 0 ? 0f : (float)total / (present * c)).ToArray());
    }

    private static double LearningRate(double peak, int step, int warmupSteps, int totalSteps)
    {
        if (step < warmupSteps)
        {
            return peak * (step + 1) / warmupSteps;
        }

        var progress = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
        return peak * (0.01 + (0.99 * 0.5 * (1 + Math.Cos(Math.PI * progress))));
    }
}
