namespace Harness.Symbols.Tests.Support;

/// <summary>Compares two bags of rows and describes the first differences readably.</summary>
internal static class Multiset
{
    public static (List<T> Missing, List<T> Extra) Difference<T>(IEnumerable<T> expected, IEnumerable<T> actual)
        where T : notnull
    {
        var counts = new Dictionary<T, int>();
        foreach (var item in expected)
        {
            counts[item] = counts.GetValueOrDefault(item) + 1;
        }
        var extra = new List<T>();
        foreach (var item in actual)
        {
            var count = counts.GetValueOrDefault(item);
            if (count == 0)
            {
                extra.Add(item);
            }
            else
            {
                counts[item] = count - 1;
            }
        }
        var missing = counts.Where(c => c.Value > 0).SelectMany(c => Enumerable.Repeat(c.Key, c.Value)).ToList();
        return (missing, extra);
    }

    /// <summary>Fails with the first few rows in <paramref name="expected"/> but not <paramref name="actual"/> and vice versa.</summary>
    public static void AssertEqual<T>(IReadOnlyCollection<T> expected, IReadOnlyCollection<T> actual, string what, Func<T, ulong> orderBy)
        where T : notnull
    {
        var (missing, extra) = Difference(expected, actual);
        if (missing.Count == 0 && extra.Count == 0)
        {
            return;
        }
        const int Shown = 12;
        var message = $"{what}: {expected.Count} expected rows, {actual.Count} actual; {missing.Count} missing, {extra.Count} extra.\n"
            + $"first missing (in oracle, not in ours):\n  {string.Join("\n  ", missing.OrderBy(orderBy).Take(Shown))}\n"
            + $"first extra (in ours, not in oracle):\n  {string.Join("\n  ", extra.OrderBy(orderBy).Take(Shown))}";
        Assert.Fail(message);
    }
}
