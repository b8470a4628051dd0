using Harness.Core.Model;

namespace Harness.Core.History;

/// <summary>A test that both passed and failed at one commit with one binary: the code did not change, the outcome did.</summary>
/// <param name="Commit">The newest commit at which it flipped.</param>
/// <param name="Passed">Passing runs at the commits where it flipped.</param>
/// <param name="Failed">Failing runs (failed, crashed, timed out) there.</param>
/// <param name="LastFailure">The message of its newest failure.</param>
public sealed record FlakyTest(string Test, string Commit, int Passed, int Failed, string? LastFailure);

/// <summary>
/// Flaky tests from the history: a test whose recorded outcome changed between runs at the same commit and the same
/// test binary (same content hash). Retries inside one run are not needed for this; two CI runs of one commit suffice.
/// Runs without a commit (outside git) or recorded before schema 2 (no binary hash) are not compared.
/// </summary>
public static class FlakyTests
{
    /// <summary>The flaky tests among the newest <paramref name="lastRuns"/> runs, by name.</summary>
    public static IReadOnlyList<FlakyTest> Find(IHistoryStore store, int lastRuns)
    {
        ArgumentNullException.ThrowIfNull(store);
        // Newest run first: the first failure seen per test is its last one.
        var samples = store.Latest(lastRuns).Where(r => r.Commit is not null)
            .SelectMany(run => store.Samples(run.Id).Where(s => s.Binary is not null).Select(s => (Run: run, Sample: s)));
        var flaky = new List<FlakyTest>();
        foreach (var test in samples.GroupBy(s => s.Sample.Test, StringComparer.Ordinal))
        {
            var flipped = test.GroupBy(s => (s.Run.Commit, s.Sample.Binary))
                .Where(g => g.Any(s => s.Sample.Passed) && g.Any(s => IsFailure(s.Sample)))
                .SelectMany(g => g).ToList();
            if (flipped.Count == 0)
            {
                continue;
            }
            var lastFailure = flipped.First(s => IsFailure(s.Sample));
            flaky.Add(new FlakyTest(test.Key, flipped[0].Run.Commit!, flipped.Count(s => s.Sample.Passed), flipped.Count(s => IsFailure(s.Sample)), lastFailure.Sample.Message));
        }
        return [.. flaky.OrderBy(f => f.Test, StringComparer.Ordinal)];
    }

    private static readonly HashSet<string> Failures = [.. Enum.GetValues<TestOutcome>().Where(o => o.IsFailure()).Select(o => o.Name())];

    private static bool IsFailure(TimingSample sample) => Failures.Contains(sample.Outcome);
}
