using Harness.Core.History.Imports;

namespace Harness.Core.History.Comparison;

/// <summary>
/// Turns what a user names on <c>harness compare</c> into a side of the comparison: a run id (<c>42</c>),
/// <c>latest</c> or <c>latest~N</c>, a commit (hex prefix or any git revision: all runs recorded at it, pooled),
/// or a file (results.json, JUnit XML, CTestCostData.txt).
/// </summary>
public sealed class SampleSources(IHistoryStore? store, string workingDirectory)
{
    /// <summary>The current side: <paramref name="spec"/>, or the latest run.</summary>
    public (SampleSource Source, RunInfo? Run) Current(string? spec) =>
        spec is null ? FromRuns([Store.Latest(1).FirstOrDefault() ?? throw new HistoryException("no runs recorded yet: run harness test first")]) : Resolve(spec);

    /// <summary>The baseline: <paramref name="spec"/>; else the run recorded before <paramref name="current"/>, or, when that
    /// run is at another commit than the current one, all runs recorded at that commit.</summary>
    public SampleSource Baseline(string? spec, RunInfo? current)
    {
        if (spec is not null)
        {
            return Resolve(spec).Source;
        }
        if (current is null)
        {
            throw new HistoryException("--baseline is needed when --current is a file");
        }
        var before = Store.Before(current.Id, 1);
        if (before.Count == 0)
        {
            throw new HistoryException($"run {current.Id} is the first one recorded: nothing to compare it with (give --baseline)");
        }
        // The run before is at another commit: every run of that commit is its baseline, more samples of the same code.
        return before[0].Commit is { } previous && previous != current.Commit
            ? FromRuns([.. Store.RunsAtCommit(previous).Where(r => r.Id < current.Id)]).Source
            : FromRuns(before).Source;
    }

    private IHistoryStore Store => store ?? throw new HistoryException("no timing history to read runs from (give files, or --history PATH)");

    private (SampleSource Source, RunInfo? Run) Resolve(string spec)
    {
        if (File.Exists(spec))
        {
            return (TimingFiles.Read(spec), null);
        }
        if (spec.StartsWith("latest", StringComparison.Ordinal))
        {
            var back = spec == "latest" ? 0 : spec.StartsWith("latest~", StringComparison.Ordinal) && int.TryParse(spec.AsSpan(7), out var n) && n >= 0 ? n : -1;
            if (back >= 0)
            {
                var runs = Store.Latest(back + 1);
                return runs.Count > back ? FromRuns([runs[back]]) : throw new HistoryException($"{spec}: only {runs.Count} runs recorded");
            }
        }
        if (spec.All(char.IsAsciiDigit) && long.TryParse(spec, out var id) && Store.Run(id) is { } run)
        {
            return FromRuns([run]);
        }
        var atCommit = spec.Length >= 4 && spec.All(char.IsAsciiHexDigit) ? Store.RunsAtCommit(spec) : [];
        if (atCommit.Count == 0 && RunMetadata.Git(workingDirectory, "rev-parse", "--verify", "--quiet", "--end-of-options", spec + "^{commit}") is { } commit)
        {
            atCommit = Store.RunsAtCommit(commit);
        }
        return atCommit.Count > 0
            ? FromRuns(atCommit)
            : throw new HistoryException($"{spec}: not a file, a recorded run id, latest~N or a commit with recorded runs");
    }

    private (SampleSource Source, RunInfo? Run) FromRuns(IReadOnlyList<RunInfo> runs)
    {
        var sets = runs.SelectMany(r => Store.Samples(r.Id))
            .Where(s => s.Passed)
            .GroupBy(s => s.Test, StringComparer.Ordinal)
            .Select(g => new SampleSet(g.Key, [.. g.Select(s => s.Seconds)]))
            .ToList();
        var label = runs.Count == 1 ? Describe(runs[0]) : $"{runs.Count} runs at {Short(runs[0].Commit)} ({string.Join(", ", runs.Select(r => r.Id).Order())})";
        return (new SampleSource(label, sets), runs.Count == 1 ? runs[0] : runs.MaxBy(r => r.Id));
    }

    private static string Describe(RunInfo run) =>
        $"run {run.Id} ({run.Started:yyyy-MM-dd HH:mm:ss}Z{(run.Commit is not null ? $", {Short(run.Commit)}" : "")}{(run.Branch is { } b ? $" on {b}" : "")})";

    private static string Short(string? commit) => commit is null ? "no commit" : commit[..Math.Min(12, commit.Length)];
}
