using FaceMask.Training.Common;
using FaceMask.Training.Painting;

namespace FaceMask.Training.Learning;

/// <summary>
/// What each epoch trains on, in order: every training image once, plus painted samples (no-mask
/// faces painted into another class or a look-alike), each with a second image to borrow
/// background from. Deterministic for the seed and the epoch.
/// </summary>
internal sealed class EpochPlan
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
        var withoutMask = painting ? train.Classes.ToList().IndexOf(MaskClasses.WithoutMask) : -1;
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
