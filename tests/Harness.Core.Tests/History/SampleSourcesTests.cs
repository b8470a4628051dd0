using Harness.Core.History;
using Harness.Core.History.Comparison;

namespace Harness.Core.Tests.History;

/// <summary>Which runs a comparison's sides default to, and what names on the command line resolve to.</summary>
public sealed class SampleSourcesTests
{
    [Fact]
    public void Baseline_PreviousRunAtAnotherCommit_AllRunsOfThatCommitPooled()
    {
        using var directory = new TempDirectory("sources-commit");
        using var store = SqliteHistoryStore.Open(directory.File("history.db"));
        var a1 = Record(store, "aaaa0001", 1.0);
        var a2 = Record(store, "aaaa0001", 2.0);
        var b = Record(store, "bbbb0002", 3.0);
        var sources = new SampleSources(store, directory.Path);

        var (current, run) = sources.Current(null);
        var baseline = sources.Baseline(null, run);

        Assert.Equal(b.Id, run!.Id);
        Assert.Equal([3.0], Assert.Single(current.Sets).Values);
        Assert.Equal([1.0, 2.0], Assert.Single(baseline.Sets).Values.Order());
        Assert.Contains($"({a1.Id}, {a2.Id})", baseline.Label, StringComparison.Ordinal);
    }

    [Fact]
    public void Baseline_PreviousRunAtTheSameCommit_OnlyThatRun()
    {
        using var directory = new TempDirectory("sources-same");
        using var store = SqliteHistoryStore.Open(directory.File("history.db"));
        Record(store, "aaaa0001", 1.0);
        Record(store, "aaaa0001", 2.0);
        Record(store, "aaaa0001", 3.0);
        var sources = new SampleSources(store, directory.Path);

        var baseline = sources.Baseline(null, sources.Current(null).Run);

        Assert.Equal([2.0], Assert.Single(baseline.Sets).Values);
    }

    [Theory]
    [InlineData("latest~2", 1.0)]
    [InlineData("latest", 3.0)]
    [InlineData("bbbb", 2.0)]
    public void Current_Spec_ResolvesToThoseRuns(string spec, double expected)
    {
        using var directory = new TempDirectory("sources-spec");
        using var store = SqliteHistoryStore.Open(directory.File("history.db"));
        Record(store, "aaaa0001", 1.0);
        Record(store, "bbbb0002", 2.0);
        Record(store, "cccc0003", 3.0);

        var (current, _) = new SampleSources(store, directory.Path).Current(spec);

        Assert.Equal([expected], Assert.Single(current.Sets).Values);
    }

    [Fact]
    public void Current_FailedSamples_LeftOut()
    {
        using var directory = new TempDirectory("sources-failed");
        using var store = SqliteHistoryStore.Open(directory.File("history.db"));
        store.Record(Run("aaaa0001"), [new TimingSample("t", 0, 1, "passed"), new TimingSample("t", 1, 9, "failed"), new TimingSample("u", 0, 9, "crashed")]);

        var (current, _) = new SampleSources(store, directory.Path).Current(null);

        Assert.Equal([1.0], Assert.Single(current.Sets).Values);
    }

    private static RunInfo Record(SqliteHistoryStore store, string commit, double seconds) =>
        store.Record(Run(commit), [new TimingSample("t", 0, seconds, "passed")]);

    private static RunInfo Run(string commit) => new(0, DateTimeOffset.UtcNow, commit, null, "m", 2, "1", "s", 1, 0);
}
