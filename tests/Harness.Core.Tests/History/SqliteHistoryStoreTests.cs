using Harness.Core.History;

namespace Harness.Core.Tests.History;

/// <summary>The SQLite history: what is recorded reads back exactly, in order, and parallel writers lose nothing.</summary>
public sealed class SqliteHistoryStoreTests
{
    [Fact]
    public void Record_RunWithSamples_ReadsBackExactly()
    {
        using var directory = new TempDirectory("history-roundtrip");
        var run = Run("abc123def", "main");
        TimingSample[] samples = [new("s.a", 0, 0.125, "passed"), new("s.a", 1, 0.25, "passed"), new("s.b", 0, 1.5, "failed")];

        long id;
        using (var store = SqliteHistoryStore.Open(Path.Combine(directory.Path, "nested", "history.db")))
        {
            id = store.Record(run, samples).Id;
        }
        using var reopened = SqliteHistoryStore.Open(Path.Combine(directory.Path, "nested", "history.db"));

        Assert.Equal(run with { Id = id }, reopened.Run(id));
        Assert.Equal(samples, reopened.Samples(id));
        Assert.Null(reopened.Run(id + 1));
    }

    [Fact]
    public void LatestBeforeAndRunsAtCommit_SeveralRuns_NewestFirst()
    {
        using var directory = new TempDirectory("history-queries");
        using var store = SqliteHistoryStore.Open(directory.File("history.db"));
        var ids = new[] { "aaaa1111", "bbbb2222", "aaaa1111", null }
            .Select(commit => store.Record(Run(commit, null), [new TimingSample("t", 0, 1, "passed")]).Id).ToList();

        Assert.Equal([ids[3], ids[2]], store.Latest(2).Select(r => r.Id));
        Assert.Equal([ids[1], ids[0]], store.Before(ids[2], 5).Select(r => r.Id));
        Assert.Equal([ids[2], ids[0]], store.RunsAtCommit("AAAA").Select(r => r.Id));
        Assert.Empty(store.RunsAtCommit("cccc"));
    }

    [Fact]
    public void Record_EightWritersWithTheirOwnConnectionsAtOnce_NoRunOrSampleLost()
    {
        using var directory = new TempDirectory("history-parallel");
        var path = directory.File("history.db");
        const int writers = 8, runsEach = 5, samplesEach = 200;
        using var start = new Barrier(writers);

        var threads = Enumerable.Range(0, writers).Select(w => new Thread(() =>
        {
            start.SignalAndWait();
            for (var r = 0; r < runsEach; r++)
            {
                using var store = SqliteHistoryStore.Open(path);
                store.Record(Run($"{w:x4}0000", null), [.. Enumerable.Range(0, samplesEach).Select(i => new TimingSample($"w{w}.t{i % 20}", i / 20, i * 0.001, "passed"))]);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        using var check = SqliteHistoryStore.Open(path);
        var runs = check.Latest(1000);
        Assert.Equal(writers * runsEach, runs.Count);
        Assert.Equal(runs.Count, runs.Select(r => r.Id).Distinct().Count());
        Assert.All(runs, run => Assert.Equal(samplesEach, check.Samples(run.Id).Count));
        Assert.All(Enumerable.Range(0, writers), w => Assert.Equal(runsEach, check.RunsAtCommit($"{w:x4}0000").Count));
    }

    private static RunInfo Run(string? commit, string? branch) =>
        new(0, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), commit, branch, "machine", 2, "1.0.0.0", "suite dir", 3, 1);
}
