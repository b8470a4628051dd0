namespace Harness.Core.History;

/// <summary>
/// Where timing history lives. The default is one SQLite file per working directory
/// (<see cref="SqliteHistoryStore"/>); a shared server database can implement the same contract.
/// Implementations must be safe for several processes recording at once: no run is lost or half-written.
/// </summary>
public interface IHistoryStore : IDisposable
{
    /// <summary>Records a run, all its samples and the impact maps it made (under per-test coverage) atomically; returns the run with its assigned id.</summary>
    RunInfo Record(RunInfo run, IReadOnlyList<TimingSample> samples, IReadOnlyList<ImpactMap>? impact = null);

    /// <summary>The run with this id, or <see langword="null"/>.</summary>
    RunInfo? Run(long id);

    /// <summary>The most recent runs, newest first.</summary>
    IReadOnlyList<RunInfo> Latest(int count);

    /// <summary>Up to <paramref name="count"/> runs recorded before run <paramref name="id"/>, newest first.</summary>
    IReadOnlyList<RunInfo> Before(long id, int count);

    /// <summary>Runs whose commit starts with <paramref name="commitPrefix"/>, newest first.</summary>
    IReadOnlyList<RunInfo> RunsAtCommit(string commitPrefix);

    /// <summary>Every sample of a run, by test then iteration.</summary>
    IReadOnlyList<TimingSample> Samples(long runId);

    /// <summary>The content hash of each binary, cached by path, modification time and size.</summary>
    IReadOnlyDictionary<string, string> HashBinaries(IEnumerable<string> paths);

    /// <summary>The commits with impact maps for tests whose names start with one of <paramref name="prefixes"/>, newest first.</summary>
    IReadOnlyList<string> ImpactCommits(IEnumerable<string> prefixes, int count);

    /// <summary>Every test's newest impact map recorded at <paramref name="commit"/>, by test name.</summary>
    IReadOnlyDictionary<string, ImpactMap> ImpactMaps(string commit);
}
