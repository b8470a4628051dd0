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
/// Schema 2 adds each sample's binary hash and failure message (for <c>harness flaky</c>), the impact maps of
/// <c>--per-test-coverage</c> runs (<c>impact</c>: one row a test; <c>impact_lines</c>: one <see cref="LineBlob"/> a
/// test and file) and a cache of binary hashes by path, modification time and size; a schema 1 file is migrated in
/// place when opened (its samples keep null hashes).
/// </remarks>
public sealed class SqliteHistoryStore : IHistoryStore
{
    /// <summary>The schema this code writes, kept in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = 2;

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
        if (version < 1)
        {
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
        }
        Execute(connection, """
            ALTER TABLE samples ADD COLUMN binary_hash TEXT;
            ALTER TABLE samples ADD COLUMN message TEXT;
            CREATE TABLE impact (
                run_id INTEGER NOT NULL REFERENCES runs (id),
                test TEXT NOT NULL,
                binary_hash TEXT NOT NULL,
                PRIMARY KEY (run_id, test)) WITHOUT ROWID;
            CREATE INDEX impact_by_test ON impact (test, run_id);
            CREATE TABLE impact_lines (
                run_id INTEGER NOT NULL,
                test TEXT NOT NULL,
                file TEXT NOT NULL,
                lines BLOB NOT NULL,
                PRIMARY KEY (run_id, test, file)) WITHOUT ROWID;
            CREATE TABLE binaries (
                path TEXT PRIMARY KEY,
                modified INTEGER NOT NULL,
                size INTEGER NOT NULL,
                hash TEXT NOT NULL) WITHOUT ROWID;
            """, transaction);
        Execute(connection, $"PRAGMA user_version = {SchemaVersion}", transaction);
        transaction.Commit();
    }

    public RunInfo Record(RunInfo run, IReadOnlyList<TimingSample> samples, IReadOnlyList<ImpactMap>? impact = null)
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
            insertSample.CommandText = """
                INSERT INTO samples (run_id, test, iteration, seconds, outcome, binary_hash, message)
                VALUES ($run, $test, $iteration, $seconds, $outcome, $binary, $message)
                """;
            insertSample.Parameters.AddWithValue("$run", id);
            var test = insertSample.Parameters.Add("$test", SqliteType.Text);
            var iteration = insertSample.Parameters.Add("$iteration", SqliteType.Integer);
            var seconds = insertSample.Parameters.Add("$seconds", SqliteType.Real);
            var outcome = insertSample.Parameters.Add("$outcome", SqliteType.Text);
            var binary = insertSample.Parameters.Add("$binary", SqliteType.Text);
            var message = insertSample.Parameters.Add("$message", SqliteType.Text);
            insertSample.Prepare();
            foreach (var sample in samples)
            {
                test.Value = sample.Test;
                iteration.Value = sample.Iteration;
                seconds.Value = sample.Seconds;
                outcome.Value = sample.Outcome;
                binary.Value = (object?)sample.Binary ?? DBNull.Value;
                message.Value = (object?)sample.Message ?? DBNull.Value;
                insertSample.ExecuteNonQuery();
            }
            RecordImpact(transaction, id, impact ?? []);
            transaction.Commit();
            return run with { Id = id };
        });
    }

    private void RecordImpact(SqliteTransaction transaction, long runId, IReadOnlyList<ImpactMap> maps)
    {
        if (maps.Count == 0)
        {
            return;
        }
        using var insertTest = _connection.CreateCommand();
        insertTest.Transaction = transaction;
        insertTest.CommandText = "INSERT INTO impact (run_id, test, binary_hash) VALUES ($run, $test, $binary)";
        insertTest.Parameters.AddWithValue("$run", runId);
        var test = insertTest.Parameters.Add("$test", SqliteType.Text);
        var binary = insertTest.Parameters.Add("$binary", SqliteType.Text);
        insertTest.Prepare();
        using var insertLines = _connection.CreateCommand();
        insertLines.Transaction = transaction;
        insertLines.CommandText = "INSERT INTO impact_lines (run_id, test, file, lines) VALUES ($run, $test, $file, $lines)";
        insertLines.Parameters.AddWithValue("$run", runId);
        var lineTest = insertLines.Parameters.Add("$test", SqliteType.Text);
        var file = insertLines.Parameters.Add("$file", SqliteType.Text);
        var lines = insertLines.Parameters.Add("$lines", SqliteType.Blob);
        insertLines.Prepare();
        foreach (var map in maps)
        {
            test.Value = map.Test;
            binary.Value = map.Binary;
            insertTest.ExecuteNonQuery();
            foreach (var (path, covered) in map.Lines)
            {
                lineTest.Value = map.Test;
                file.Value = path;
                lines.Value = LineBlob.Encode(covered);
                insertLines.ExecuteNonQuery();
            }
        }
    }

    /// <remarks>
    /// SHA-256 of the content, from the cache when the file's modification time and size are the ones hashed before:
    /// a test binary is hashed once per build, not once per run. A file that cannot be read hashes to <c>missing</c>.
    /// </remarks>
    public IReadOnlyDictionary<string, string> HashBinaries(IEnumerable<string> paths) => Guard("hash binaries", () =>
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        using var transaction = _connection.BeginTransaction(deferred: false);
        using var select = _connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT hash FROM binaries WHERE path = $path AND modified = $modified AND size = $size";
        var path = select.Parameters.Add("$path", SqliteType.Text);
        var modified = select.Parameters.Add("$modified", SqliteType.Integer);
        var size = select.Parameters.Add("$size", SqliteType.Integer);
        using var upsert = _connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = "INSERT OR REPLACE INTO binaries (path, modified, size, hash) VALUES ($path, $modified, $size, $hash)";
        var upsertPath = upsert.Parameters.Add("$path", SqliteType.Text);
        var upsertModified = upsert.Parameters.Add("$modified", SqliteType.Integer);
        var upsertSize = upsert.Parameters.Add("$size", SqliteType.Integer);
        var hash = upsert.Parameters.Add("$hash", SqliteType.Text);
        foreach (var file in paths.Distinct(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                hashes[file] = "missing";
                continue;
            }
            path.Value = upsertPath.Value = info.FullName;
            modified.Value = upsertModified.Value = info.LastWriteTimeUtc.Ticks;
            size.Value = upsertSize.Value = info.Length;
            if (select.ExecuteScalar() is string known)
            {
                hashes[file] = known;
                continue;
            }
            try
            {
                using var stream = File.OpenRead(info.FullName);
                hash.Value = hashes[file] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                hashes[file] = "missing";
                continue;
            }
            upsert.ExecuteNonQuery();
        }
        transaction.Commit();
        return (IReadOnlyDictionary<string, string>)hashes;
    });

    public IReadOnlyList<string> ImpactCommits(IEnumerable<string> prefixes, int count) => Guard("read impact maps", () =>
    {
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var prefix in prefixes.Distinct(StringComparer.Ordinal))
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT r.commit_id, max(r.id) AS newest FROM runs r
                WHERE r.commit_id IS NOT NULL
                AND EXISTS (SELECT 1 FROM impact i WHERE i.run_id = r.id AND substr(i.test, 1, length($prefix)) = $prefix)
                GROUP BY r.commit_id ORDER BY newest DESC LIMIT $count
                """;
            command.Parameters.AddWithValue("$prefix", prefix);
            command.Parameters.AddWithValue("$count", count);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var commit = reader.GetString(0);
                newest[commit] = Math.Max(newest.GetValueOrDefault(commit, long.MinValue), reader.GetInt64(1));
            }
        }
        return (IReadOnlyList<string>)[.. newest.OrderByDescending(c => c.Value).Take(count).Select(c => c.Key)];
    });

    /// <exception cref="HistoryException">The store cannot be read, or a stored line blob is corrupt.</exception>
    public IReadOnlyDictionary<string, ImpactMap> ImpactMaps(string commit) => Guard("read impact maps", () =>
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT i.test, i.binary_hash, l.file, l.lines
            FROM impact i
            JOIN (SELECT i2.test, max(i2.run_id) AS run_id FROM impact i2 JOIN runs r ON r.id = i2.run_id
                  WHERE r.commit_id = $commit GROUP BY i2.test) newest ON newest.test = i.test AND newest.run_id = i.run_id
            LEFT JOIN impact_lines l ON l.run_id = i.run_id AND l.test = i.test
            ORDER BY i.test
            """;
        command.Parameters.AddWithValue("$commit", commit);
        using var reader = command.ExecuteReader();
        var maps = new Dictionary<string, (string Binary, Dictionary<string, int[]> Lines)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var test = reader.GetString(0);
            if (!maps.TryGetValue(test, out var map))
            {
                maps[test] = map = (reader.GetString(1), new Dictionary<string, int[]>(StringComparer.Ordinal));
            }
            if (!reader.IsDBNull(2))
            {
                try
                {
                    map.Lines[reader.GetString(2)] = LineBlob.Decode((byte[])reader.GetValue(3));
                }
                catch (InvalidDataException e)
                {
                    throw new HistoryException($"{_path}: impact map of {test}, {reader.GetString(2)}: {e.Message}", e);
                }
            }
        }
        return (IReadOnlyDictionary<string, ImpactMap>)maps.ToDictionary(m => m.Key, m => new ImpactMap(m.Key, m.Value.Binary, m.Value.Lines), StringComparer.Ordinal);
    });

    public RunInfo? Run(long id) => Runs("WHERE id = $value", id).FirstOrDefault();

    public IReadOnlyList<RunInfo> Latest(int count) => Runs("ORDER BY id DESC LIMIT $value", count);

    public IReadOnlyList<RunInfo> Before(long id, int count) =>
        Runs("WHERE id < $value ORDER BY id DESC LIMIT $count", id, count);

    public IReadOnlyList<RunInfo> RunsAtCommit(string commitPrefix) =>
        Runs("WHERE substr(commit_id, 1, length($value)) = $value ORDER BY id DESC", commitPrefix.ToLowerInvariant());

    public IReadOnlyList<TimingSample> Samples(long runId) => Guard("read samples", () =>
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT test, iteration, seconds, outcome, binary_hash, message FROM samples WHERE run_id = $run ORDER BY test, iteration";
        command.Parameters.AddWithValue("$run", runId);
        using var reader = command.ExecuteReader();
        var samples = new List<TimingSample>();
        while (reader.Read())
        {
            samples.Add(new TimingSample(reader.GetString(0), reader.GetInt32(1), reader.GetDouble(2), reader.GetString(3))
            {
                Binary = reader.IsDBNull(4) ? null : reader.GetString(4),
                Message = reader.IsDBNull(5) ? null : reader.GetString(5),
            });
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
