namespace FaceMask.Training.Data;

/// <summary>Disjoint sets over 0..count-1: near-duplicate groups, and the groups a split joins further.</summary>
internal sealed class UnionFind(int count)
{
    private readonly int[] parent = Enumerable.Range(0, count).ToArray();

    public int Find(int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }

        return x;
    }

    public void Union(int a, int b)
    {
        var (rootA, rootB) = (Find(a), Find(b));
        if (rootA != rootB)
        {
            parent[Math.Max(rootA, rootB)] = Math.Min(rootA, rootB); // the root is always the smallest index
        }
    }

    /// <summary>Group numbers 0.. in order of each group's first member.</summary>
    public int[] Numbered()
    {
        var numberOfRoot = new Dictionary<int, int>();
        var numbers = new int[parent.Length];
        for (var i = 0; i < parent.Length; i++)
        {
            var root = Find(i);
            if (!numberOfRoot.TryGetValue(root, out var number))
            {
                number = numberOfRoot.Count;
                numberOfRoot[root] = number;
            }

            numbers[i] = number;
        }

        return numbers;
    }
}
