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

/// <summary>Settings of one training run.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 40;

    public int BatchSize { get; init; } = 64;

    /// <summary>Peak learning rate of AdamW, reached after the warm-up and decayed along a cosine to 1% of it.</summary>
    public double LearningRate { get; init; } = 3e-3;

    public double WeightDecay { get; init; } = 1e-4;

    public int WarmupEpochs { get; init; } = 1;

    /// <summary>Stop after this many epochs without a better validation macro-F1; the best epoch's weights are kept.</summary>
    public int Patience { get; init; } = 40;

    public double LabelSmoothing { get; init; } = 0.05;

    /// <summary>Weight the loss by inverse class frequency, so a small class counts as much as a large one.</summary>
    public bool ClassWeighting { get; init; } = true;

    /// <summary>
    /// Decay of an exponential moving average of the weights that is validated and kept instead of
    /// the weights themselves (0: off). It smooths the validation curve, but did not improve test
    /// figures on the public dataset (README), so it is off by default.
    /// </summary>
    public double AverageDecay { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>
    /// Painted faces added to every epoch, as a fraction of the training images: no-mask training
    /// faces with a mask painted over the nose, below it or on the chin, or a look-alike
    /// (<see cref="FacePainting"/>). 0 turns painting off; it is off anyway unless the classes are
    /// the three painting makes.
    /// </summary>
    public double PaintRatio { get; init; } = 0.4;

    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 1 || LearningRate <= 0 || Patience < 1 || WarmupEpochs < 0 || LabelSmoothing is < 0 or >= 1 || AverageDecay is < 0 or >= 1 || PaintRatio is < 0 or > 4)
        {
            throw new ArgumentException("Epochs, batch size and patience must be at least 1, the learning rate positive, label smoothing and the average decay in [0, 1), the paint ratio in [0, 4].");
        }
    }
}

/// <summary>What one epoch achieved.</summary>
public sealed record EpochResult(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double ValLoss,
    double ValAccuracy,
    double ValMacroF1,
    double LearningRate,
    double Seconds,
    double ImagesPerSecond);

/// <summary>Progress during training, reported every few steps and at the end of each epoch.</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int Steps, double Loss, double ImagesPerSecond, EpochResult? Completed);

/// <summary>The outcome: the best epoch's model, the whole history, and the run's cost.</summary>
public sealed record TrainingResult(KerasModel Model, IReadOnlyList<EpochResult> History, int BestEpoch, TimeSpan Elapsed, double ImagesPerSecond, bool StoppedEarly);

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
        using var model = TorchKerasModel.FromKeras(initial);
        using var averaged = new WeightAverage(model, initial, options.AverageDecay);
        using var optimizer = torch.optim.AdamW(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
        var augmenter = new Augmenter(preprocessing);

        var faces = train.Faces ?? FacePainting.Locate(train.Count, train.View, detector: null);
        var plan = new EpochPlan(train, options);
        using var classWeights = ClassWeights(train.Classes.Count, plan.For(1).Select(s => s.Label), options.ClassWeighting);
        var epochSize = plan.Size;
        var stepsPerEpoch = (epochSize + options.BatchSize - 1) / options.BatchSize;
        var totalSteps = stepsPerEpoch * options.Epochs;
        var warmupSteps = stepsPerEpoch * options.WarmupEpochs;
        var history = new List<EpochResult>();
        var best = (Epoch: 0, MacroF1: double.NegativeInfinity, Model: initial);
        var stopwatch = Stopwatch.StartNew();
        var imagesSeen = 0L;
        var step = 0;

        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var epochWatch = Stopwatch.StartNew();
            model.train();
            var samples = plan.For(epoch);
            double lossSum = 0;
            var correct = 0;
            var learningRate = 0.0;

            // The next batch is augmented on the thread pool while the current one trains.
            var currentEpoch = epoch;
            Task<(float[] Inputs, long[] Labels)> Prepare(int start) =>
                Task.Run(() => AugmentBatch(train, faces, augmenter, preprocessing, samples, start, options, currentEpoch), cancellationToken);
            var next = Prepare(0);
            for (var batchIndex = 0; batchIndex < stepsPerEpoch; batchIndex++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (inputs, labels) = next.GetAwaiter().GetResult();
                if (batchIndex + 1 < stepsPerEpoch)
                {
                    next = Prepare((batchIndex + 1) * options.BatchSize);
                }

                learningRate = LearningRate(options.LearningRate, step++, warmupSteps, totalSteps);
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = learningRate;
                }

                using (NewDisposeScope())
                {
                    var batch = tensor(inputs, [labels.Length, preprocessing.Height, preprocessing.Width, preprocessing.Channels]);
                    var targets = tensor(labels, ScalarType.Int64);
                    var logits = model.ForwardLogits(batch);
                    var loss = F.cross_entropy(logits, targets, classWeights, label_smoothing: options.LabelSmoothing);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    averaged.Update();
                    lossSum += loss.item<float>() * labels.Length;
                    correct += (int)logits.argmax(1).eq(targets).sum().item<long>();
                }

                imagesSeen += labels.Length;
                if (batchIndex % 5 == 0 || batchIndex == stepsPerEpoch - 1)
                {
                    progress?.Report(new TrainingProgress(epoch, options.Epochs, batchIndex + 1, stepsPerEpoch, lossSum / Math.Min(epochSize, (batchIndex + 1) * options.BatchSize),
                        imagesSeen / stopwatch.Elapsed.TotalSeconds, null));
                }
            }

            var (validationLoss, report) = Evaluate(averaged.Model, validation, preprocessing, classWeights);
            var result = new EpochResult(epoch, lossSum / epochSize, (double)correct / epochSize, validationLoss, report.Accuracy, report.MacroF1,
                learningRate, epochWatch.Elapsed.TotalSeconds, epochSize / epochWatch.Elapsed.TotalSeconds);
            history.Add(result);
            if (report.MacroF1 > best.MacroF1)
            {
                best = (epoch, report.MacroF1, averaged.Model.ToKeras());
            }

            progress?.Report(new TrainingProgress(epoch, options.Epochs, stepsPerEpoch, stepsPerEpoch, result.TrainLoss, imagesSeen / stopwatch.Elapsed.TotalSeconds, result));
            if (epoch - best.Epoch >= options.Patience)
            {
                return new TrainingResult(best.Model, history, best.Epoch, stopwatch.Elapsed, imagesSeen / stopwatch.Elapsed.TotalSeconds, StoppedEarly: true);
            }
        }

        return new TrainingResult(best.Model, history, best.Epoch, stopwatch.Elapsed, imagesSeen / stopwatch.Elapsed.TotalSeconds, StoppedEarly: false);
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

    private static (double Loss, ClassificationReport Report) Evaluate(TorchKerasModel model, ValidationSet validation, Preprocessing preprocessing, Tensor? classWeights)
    {
        var probabilities = Predict(model, validation.Inputs, validation.Count, preprocessing);
        var predicted = probabilities.Select(ArgMax).ToArray();
        using var scope = NewDisposeScope();
        var logProbabilities = tensor(probabilities.SelectMany(p => p).ToArray(), [validation.Count, validation.Classes.Count]).clamp_min(1e-7f).log();
        var loss = F.nll_loss(logProbabilities, tensor(validation.Labels.Select(l => (long)l).ToArray()), classWeights).item<float>();
        return (loss, ClassificationReport.Compute(validation.Classes, validation.Labels, predicted));
    }

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

    private static (float[] Inputs, long[] Labels) AugmentBatch(
        LabelledImages train, FaceGeometry[] faces, Augmenter augmenter, Preprocessing preprocessing, EpochPlan.Sample[] samples, int start, TrainingOptions options, int epoch)
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

    /// <summary>
    /// What each epoch trains on, in order: every training image once, plus painted samples (no-mask
    /// faces painted into another class or a look-alike), each with a second image to borrow
    /// background from. Deterministic for the seed and the epoch.
    /// </summary>
    private sealed class EpochPlan
    {
        private readonly LabelledImages train;
        private readonly TrainingOptions options;
        private readonly int[] noMask;
        private readonly int[] paintLabels;

        public EpochPlan(LabelledImages train, TrainingOptions options)
        {
            this.train = train;
            this.options = options;
            var painting = options.PaintRatio > 0 && FacePainting.Supports(train.Classes);
            var withoutMask = painting ? train.Classes.ToList().IndexOf(FacePainting.WithoutMask) : -1;
            noMask = Enumerable.Range(0, train.Count).Where(i => train.Labels[i] == withoutMask).ToArray();
            paintLabels = Enum.GetValues<FacePaint>().Select(p => painting ? train.Classes.ToList().IndexOf(FacePainting.ClassName(p)) : -1).ToArray();
            Painted = noMask.Length == 0 ? 0 : (int)Math.Round(train.Count * options.PaintRatio);
        }

        public readonly record struct Sample(int Index, int Label, FacePaint? Paint, int Background);

        public int Painted { get; }

        public int Size => train.Count + Painted;

        public Sample[] For(int epoch)
        {
            var random = new Random(Seeds.Mix(options.Seed, epoch, 0x9a1));
            var samples = new Sample[Size];
            for (var i = 0; i < train.Count; i++)
            {
                samples[i] = new Sample(i, train.Labels[i], null, random.Next(train.Count));
            }

            for (var i = 0; i < Painted; i++)
            {
                var paint = FacePainting.Choose(random);
                samples[train.Count + i] = new Sample(noMask[random.Next(noMask.Length)], paintLabels[(int)paint], paint, random.Next(train.Count));
            }

            random.Shuffle(samples);
            return samples;
        }
    }

    /// <summary>
    /// An exponential moving average of a model's parameters and batch-norm statistics, kept in a
    /// second model. With decay 0 it is the model itself.
    /// </summary>
    private sealed class WeightAverage : IDisposable
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
