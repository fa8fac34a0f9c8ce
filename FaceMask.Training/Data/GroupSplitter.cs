namespace FaceMask.Training.Data;

/// <summary>
/// Assigns whole near-duplicate groups to train/val/test, stratified by class and deterministic
/// for a seed: groups are shuffled by the seed, placed largest first, each into the part that is
/// furthest below its per-class target for the classes the group contains. Groups given a part
/// beforehand (photos held out for validation) are placed first and counted against the targets.
/// </summary>
public static class GroupSplitter
{
    /// <param name="classOfItem">Class index of every item.</param>
    /// <param name="groupOfItem">Group number of every item (0..groups-1).</param>
    /// <param name="fixedParts">Groups whose part is decided already.</param>
    /// <returns>The part of every group.</returns>
    public static SplitPart[] Assign(
        IReadOnlyList<int> classOfItem, IReadOnlyList<int> groupOfItem, int classCount, SplitFractions fractions, int seed, IReadOnlyDictionary<int, SplitPart>? fixedParts = null)
    {
        fractions.Validate();
        var groupCount = groupOfItem.Count == 0 ? 0 : groupOfItem.Max() + 1;
        var members = new int[groupCount, classCount];
        var classTotals = new int[classCount];
        for (var i = 0; i < classOfItem.Count; i++)
        {
            members[groupOfItem[i], classOfItem[i]]++;
            classTotals[classOfItem[i]]++;
        }

        // Legacy-seeded System.Random produces the same sequence on every .NET version.
        var order = Enumerable.Range(0, groupCount).ToArray();
        new Random(seed).Shuffle(order);
        var size = new int[groupCount];
        for (var g = 0; g < groupCount; g++)
        {
            for (var c = 0; c < classCount; c++)
            {
                size[g] += members[g, c];
            }
        }

        order = order.OrderByDescending(g => size[g]).ToArray(); // stable: equal sizes keep the shuffled order

        var parts = Enum.GetValues<SplitPart>();
        var placed = new int[parts.Length, classCount];
        var assignment = new SplitPart[groupCount];
        fixedParts ??= new Dictionary<int, SplitPart>();
        foreach (var (group, part) in fixedParts)
        {
            assignment[group] = part;
            for (var c = 0; c < classCount; c++)
            {
                placed[(int)part, c] += members[group, c];
            }
        }

        foreach (var group in order.Where(g => !fixedParts.ContainsKey(g)))
        {
            var best = SplitPart.Train;
            var bestNeed = double.NegativeInfinity;
            foreach (var part in parts)
            {
                // How many of this group's images the part still lacks, weighted by the group's classes.
                var need = 0.0;
                for (var c = 0; c < classCount; c++)
                {
                    if (members[group, c] > 0)
                    {
                        need += members[group, c] * ((fractions[part] * classTotals[c]) - placed[(int)part, c]) / classTotals[c];
                    }
                }

                if (need > bestNeed)
                {
                    (best, bestNeed) = (part, need);
                }
            }

            assignment[group] = best;
            for (var c = 0; c < classCount; c++)
            {
                placed[(int)best, c] += members[group, c];
            }
        }

        return assignment;
    }
}
