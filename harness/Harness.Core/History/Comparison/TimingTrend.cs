namespace Harness.Core.History.Comparison;

/// <summary>One run's median of one name, a point on a trend line.</summary>
public sealed record TrendPoint(long RunId, DateTimeOffset Started, string? Commit, double Median);

/// <summary>Medians per name over the last runs of the history, oldest first: what the HTML report draws as trend lines.</summary>
public static class TimingTrend
{
    public static IReadOnlyDictionary<string, IReadOnlyList<TrendPoint>> Read(IHistoryStore store, long upToRun, int runs, IReadOnlyCollection<string> names)
    {
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var history = (store.Run(upToRun) is { } last ? store.Before(upToRun, runs - 1).Prepend(last) : []).Reverse().ToList();
        var points = new Dictionary<string, List<TrendPoint>>(StringComparer.Ordinal);
        foreach (var run in history)
        {
            foreach (var test in store.Samples(run.Id).Where(s => s.Passed && wanted.Contains(s.Test)).GroupBy(s => s.Test, StringComparer.Ordinal))
            {
                if (!points.TryGetValue(test.Key, out var list))
                {
                    points[test.Key] = list = [];
                }
                list.Add(new TrendPoint(run.Id, run.Started, run.Commit, ShiftStatistics.Median([.. test.Select(s => s.Seconds)])));
            }
        }
        return points.ToDictionary(p => p.Key, p => (IReadOnlyList<TrendPoint>)p.Value, StringComparer.Ordinal);
    }
}
