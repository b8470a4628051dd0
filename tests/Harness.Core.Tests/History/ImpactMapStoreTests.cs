using Harness.Core.History;
using Microsoft.Data.Sqlite;

namespace Harness.Core.Tests.History;

/// <summary>Schema 2 of the history: impact maps, binary hashes, failure messages; and a schema 1 file still opens.</summary>
public sealed class ImpactMapStoreTests
{
    private static RunInfo Run(string? commit) => new(0, DateTimeOffset.UtcNow, commit, null, "m", 2, "0", "s", 1, 0);

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 3, 4, 5, 130, 131, 20_000, int.MaxValue })]
    public void LineBlob_SortedLines_RoundTrip(int[] lines)
    {
        Assert.Equal(lines, LineBlob.Decode(LineBlob.Encode(lines)));
    }

    [Fact]
    public void LineBlob_ClusteredLines_OneByteALine()
    {
        Assert.Equal(300, LineBlob.Encode([.. Enumerable.Range(100, 300)]).Length);
    }

    [Fact]
    public void LineBlob_CutOffOrUnsorted_Rejected()
    {
        Assert.Throws<InvalidDataException>(() => LineBlob.Decode(new byte[] { 0x85 }));
        Assert.Throws<InvalidDataException>(() => LineBlob.Decode(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }));
        Assert.Throws<ArgumentException>(() => LineBlob.Encode([5, 5]));
    }

    [Fact]
    public void ImpactMaps_TwoRunsAtOneCommit_NewestMapPerTest()
    {
        using var directory = new TempDirectory("impact-maps");
        using var store = SqliteHistoryStore.Open(directory.File("h.db"));
        var lines = new Dictionary<string, int[]>(StringComparer.Ordinal) { ["src/lib.rs"] = [3, 4, 9], ["src/b.rs"] = [1] };
        store.Record(Run("c1"), [], [new ImpactMap("s.a", "h1", lines), new ImpactMap("s.b", "h1", new Dictionary<string, int[]>())]);
        store.Record(Run("c1"), [], [new ImpactMap("s.a", "h2", new Dictionary<string, int[]> { ["src/lib.rs"] = [7] })]);
        store.Record(Run("c2"), [], [new ImpactMap("s.a", "h3", lines)]);

        var maps = store.ImpactMaps("c1");

        Assert.Equal(["s.a", "s.b"], maps.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("h2", maps["s.a"].Binary);
        Assert.Equal([7], maps["s.a"].Lines["src/lib.rs"]);
        Assert.Empty(maps["s.b"].Lines); // ran, reached nothing: still impact data
        Assert.Equal(["c2", "c1"], store.ImpactCommits(["s."], 10));
        Assert.Empty(store.ImpactCommits(["other."], 10));
    }

    [Fact]
    public void Open_SchemaOneFile_MigratedAndOldRunsReadable()
    {
        using var directory = new TempDirectory("impact-migrate");
        var path = directory.File("h.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, commit_id TEXT, branch TEXT, machine TEXT NOT NULL,
                    cores INTEGER NOT NULL, harness TEXT NOT NULL, suites TEXT NOT NULL, repeat INTEGER NOT NULL, warmup INTEGER NOT NULL);
                CREATE INDEX runs_by_commit ON runs (commit_id);
                CREATE TABLE samples (run_id INTEGER NOT NULL REFERENCES runs (id), test TEXT NOT NULL, iteration INTEGER NOT NULL,
                    seconds REAL NOT NULL, outcome TEXT NOT NULL, PRIMARY KEY (run_id, test, iteration)) WITHOUT ROWID;
                INSERT INTO runs (started, commit_id, branch, machine, cores, harness, suites, repeat, warmup)
                    VALUES ('2026-01-01T00:00:00.0000000Z', 'c0', NULL, 'm', 2, '0', 's', 1, 0);
                INSERT INTO samples VALUES (1, 's.a', 0, 0.5, 'passed');
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        using var store = SqliteHistoryStore.Open(path);

        var old = Assert.Single(store.Samples(1));
        Assert.Equal(new TimingSample("s.a", 0, 0.5, "passed"), old);
        Assert.Null(old.Binary);
        var id = store.Record(Run("c1"), [new TimingSample("s.a", 0, 0.5, "failed") { Binary = "h", Message = "boom" }]).Id;
        Assert.Equal("boom", store.Samples(id)[0].Message);
    }

    [Fact]
    public void HashBinaries_UnchangedFile_FromTheCache()
    {
        using var directory = new TempDirectory("impact-hash");
        using var store = SqliteHistoryStore.Open(directory.File("h.db"));
        var binary = directory.File("bin");
        File.WriteAllText(binary, "one");
        var first = store.HashBinaries([binary])[binary];
        var modified = File.GetLastWriteTimeUtc(binary);
        // Same size, same time, other content: the cache answers (what makes it cheap), so the hash stays.
        File.WriteAllText(binary, "two");
        File.SetLastWriteTimeUtc(binary, modified);
        Assert.Equal(first, store.HashBinaries([binary])[binary]);
        File.SetLastWriteTimeUtc(binary, modified.AddSeconds(1));
        Assert.NotEqual(first, store.HashBinaries([binary])[binary]);
        Assert.Equal("missing", store.HashBinaries([directory.File("none")])[directory.File("none")]);
    }

    [Fact]
    public void FlakyTests_PassAndFailAtOneCommitAndBinary_Listed()
    {
        using var directory = new TempDirectory("impact-flaky");
        using var store = SqliteHistoryStore.Open(directory.File("h.db"));
        TimingSample Sample(string test, string outcome, string binary, string? message = null) => new(test, 0, 0.1, outcome) { Binary = binary, Message = message };
        store.Record(Run("c1"), [Sample("s.flaky", "failed", "b1", "first"), Sample("s.broken", "failed", "b1"), Sample("s.fixed", "failed", "b1")]);
        store.Record(Run("c1"), [Sample("s.flaky", "passed", "b1"), Sample("s.broken", "failed", "b1"), Sample("s.fixed", "passed", "b2")]);
        store.Record(Run("c1"), [Sample("s.flaky", "crashed", "b1", "last")]);

        var flaky = Assert.Single(FlakyTests.Find(store, 10));

        Assert.Equal(new FlakyTest("s.flaky", "c1", 1, 2, "last"), flaky);
        Assert.Empty(FlakyTests.Find(store, 1));
    }
}
