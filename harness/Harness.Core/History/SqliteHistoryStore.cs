using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Harness.Core.History;

/// <summary>
/// Timing history in one SQLite file (by default with the build: <see cref="HistoryLocation"/>).
/// </summary>
/// <remarks>
/// Several <c>harness test</c> processes may record into one file at once (parallel CI jobs on one machine, a
/// developer running two suites). What makes that lossless: WAL journaling (readers never block the writer);
/// every run written in one <c>BEGIN IMMEDIATE</c> transaction, so a run is all there or not at all and
/// writers queue for the write lock up front instead of failing on a lock upgrade; and a long busy timeout,
/// so a writer that finds the lock taken waits its turn rather than giving up. Ids come from
/// <c>AUTOINCREMENT</c> and so are never reused and follow the order runs were recorded.
/// </remarks>
public sealed class SqliteHistoryStore : IHistoryStore
{
    /// <summary>The schema this code writes, kept in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = 1;

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(60);

    private readonly SqliteConnection _connection;
    private readonly string _path;

    private SqliteHistoryStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        _path = path;
    }

    /// <summary>Opens (creating it and its folder when missing) the history file at <paramref name="path"/>.</summary>
    public static SqliteHistoryStore Open(string path)
    {
        var full = Path.GetFullPath(path);
        SqliteConnection? connection = null;
        try
        {
            if (Path.GetDirectoryName(full) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = full,
                Mode = SqliteOpenMode.ReadWriteCreate,
                // Pooling would keep the file open after Dispose; a short-lived CLI gains nothing from it.
                Pooling = false,
                DefaultTimeout = (int)BusyTimeout.TotalSeconds,
            };
            connection = new SqliteConnection(builder.ToString());
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}");
            Execute(connection, "PRAGMA journal_mode = WAL");
            Execute(connection, "PRAGMA synchronous = NORMAL");
            CreateSchema(connection, full);
            return new SqliteHistoryStore(connection, full);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            throw new HistoryException($"{full}: cannot open timing history: {e.Message}", e);
        }
    }

    private static void CreateSchema(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var version = Convert.ToInt32(Scalar(connection, transaction, "PRAGMA user_version"), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new HistoryException($"{path}: timing history schema {version} is newer than this harness reads ({SchemaVersion})");
        }
        if (version == SchemaVersion)
        {
            return;
        }
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                started TEXT NOT NULL,
                commit_id TEXT,
                branch TEXT,
                machine TEXT NOT NULL,
                cores INTEGER NOT NULL,
                harness TEXT NOT NULL,
                suites TEXT NOT NULL,
                repeat INTEGER NOT NULL,
                warmup INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS runs_by_commit ON runs (commit_id);
            CREATE TABLE IF NOT EXISTS samples (
                run_id INTEGER NOT NULL REFERENCES runs (id),
                test TEXT NOT NULL,
                iteration INTEGER NOT NULL,
                seconds REAL NOT NULL,
                outcome TEXT NOT NULL,
                PRIMARY KEY (run_id, test, iteration)) WITHOUT ROWID;
            """, transaction);
        Execute(connection, $"PRAGMA user_version = {SchemaVersion}", transaction);
        transaction.Commit();
    }

    public RunInfo Record(RunInfo run, IReadOnlyList<TimingSample> samples)
    {
        return Guard("record a run", () =>
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            using var insertRun = _connection.CreateCommand();
            insertRun.Transaction = transaction;
            insertRun.CommandText = """
                INSERT INTO runs (started, commit_id, branch, machine, cores, harness, suites, repeat, warmup)
                VALUES ($started, $commit, $branch, $machine, $cores, $harness, $suites, $repeat, $warmup)
                RETURNING id
                """;
            insertRun.Parameters.AddWithValue("$started", run.Started.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            insertRun.Parameters.AddWithValue("$commit", (object?)run.Commit ?? DBNull.Value);
            insertRun.Parameters.AddWithValue("$branch", (object?)run.Branch ?? DBNull.Value);
            insertRun.Parameters.AddWithValue("$machine", run.Machine);
            insertRun.Parameters.AddWithValue("$cores", run.Cores);
            insertRun.Parameters.AddWithValue("$harness", run.HarnessVersion);
            insertRun.Parameters.AddWithValue("$suites", run.Suites);
            insertRun.Parameters.AddWithValue("$repeat", run.Repeat);
            insertRun.Parameters.AddWithValue("$warmup", run.Warmup);
            var id = Convert.ToInt64(insertRun.ExecuteScalar(), CultureInfo.InvariantCulture);

            using var insertSample = _connection.CreateCommand();
            insertSample.Transaction = transaction;
            insertSample.CommandText = "INSERT INTO samples (run_id, test, iteration, seconds, outcome) VALUES ($run, $test, $iteration, $seconds, $outcome)";
            var runParameter = insertSample.Parameters.AddWithValue("$run", id);
            var test = insertSample.Parameters.Add("$test", SqliteType.Text);
            var iteration = insertSample.Parameters.Add("$iteration", SqliteType.Integer);
            var seconds = insertSample.Parameters.Add("$seconds", SqliteType.Real);
            var outcome = insertSample.Parameters.Add("$outcome", SqliteType.Text);
            insertSample.Prepare();
            foreach (var sample in samples)
            {
                test.Value = sample.Test;
                iteration.Value = sample.Iteration;
                seconds.Value = sample.Seconds;
                outcome.Value = sample.Outcome;
                insertSample.ExecuteNonQuery();
            }
            transaction.Commit();
            return run with { Id = id };
        });
    }

    public RunInfo? Run(long id) => Runs("WHERE id = $value", id).FirstOrDefault();

    public IReadOnlyList<RunInfo> Latest(int count) => Runs("ORDER BY id DESC LIMIT $value", count);

    public IReadOnlyList<RunInfo> Before(long id, int count) =>
        Runs("WHERE id < $value ORDER BY id DESC LIMIT $count", id, count);

    public IReadOnlyList<RunInfo> RunsAtCommit(string commitPrefix) =>
        Runs("WHERE substr(commit_id, 1, length($value)) = $value ORDER BY id DESC", commitPrefix.ToLowerInvariant());

    public IReadOnlyList<TimingSample> Samples(long runId) => Guard("read samples", () =>
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT test, iteration, seconds, outcome FROM samples WHERE run_id = $run ORDER BY test, iteration";
        command.Parameters.AddWithValue("$run", runId);
        using var reader = command.ExecuteReader();
        var samples = new List<TimingSample>();
        while (reader.Read())
        {
            samples.Add(new TimingSample(reader.GetString(0), reader.GetInt32(1), reader.GetDouble(2), reader.GetString(3)));
        }
        return (IReadOnlyList<TimingSample>)samples;
    });

    private List<RunInfo> Runs(string clause, object value, int? count = null) => Guard("read runs", () =>
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT id, started, commit_id, branch, machine, cores, harness, suites, repeat, warmup FROM runs {clause}";
        command.Parameters.AddWithValue("$value", value);
        if (count is { } limit)
        {
            command.Parameters.AddWithValue("$count", limit);
        }
        using var reader = command.ExecuteReader();
        var runs = new List<RunInfo>();
        while (reader.Read())
        {
            runs.Add(new RunInfo(
                reader.GetInt64(0),
                DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetInt32(5), reader.GetString(6), reader.GetString(7), reader.GetInt32(8), reader.GetInt32(9)));
        }
        return runs;
    });

    private T Guard<T>(string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e)
        {
            throw new HistoryException($"{_path}: cannot {what}: {e.Message}", e);
        }
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose() => _connection.Dispose();
}
