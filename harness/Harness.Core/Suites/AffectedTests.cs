using System.Text.RegularExpressions;
using Harness.Core.Changes;
using Harness.Core.Coverage;
using Harness.Core.History;
using Harness.Core.Model;

namespace Harness.Core.Suites;

/// <summary>A test <c>--affected</c> chose or left out, and why (<c>covers src/lib.rs:9</c>, <c>no impact data</c>).</summary>
public sealed record AffectedChoice(TestCase Test, string Reason);

/// <summary>What <c>--affected</c> decided: the tests to run and the ones the change cannot reach, each with its reason.</summary>
/// <param name="Base">The commit the change was measured from (short form), or null when no impact map was found.</param>
public sealed record AffectedSelection(string? Base, IReadOnlyList<AffectedChoice> Selected, IReadOnlyList<AffectedChoice> Skipped);

/// <summary>
/// <c>--affected [--since REF] [--affected-ignore GLOB]</c>: the tests a change can affect, from the impact maps that
/// <c>--per-test-coverage</c> runs recorded in the history (<see cref="ImpactMap"/>).
/// </summary>
/// <remarks>
/// Each test is judged against its newest map recorded at a commit that is REF or an ancestor of it (REF defaults to
/// HEAD), and the change since that commit (<see cref="GitChanges.Since"/>: committed, staged, unstaged, untracked), so
/// the map's lines and the diff's base lines are the same lines. A test is selected when: it has no such map (new, or
/// never recorded); its own declaration line was added or changed; a line it ran was changed or removed, or lines were
/// inserted next to it; or a file changed that no map mentions (a build file, a header never traced, a data file) and
/// that no <c>--affected-ignore</c> glob matches — harness cannot tell what such a change does, so everything runs.
/// A wrong "skip" costs a missed failure, a wrong "run" only time: every doubt selects.
/// </remarks>
public sealed class AffectedTests(string historyPath, string workingDirectory, string? since, IReadOnlyList<string> ignore)
{
    /// <summary>How many commits with maps are considered, newest first.</summary>
    private const int MaxBases = 50;

    private static readonly string[] BuildFiles = ["Cargo.toml", "Cargo.lock", "build.rs", "CMakeLists.txt", "Makefile", "meson.build", "BUILD", "BUILD.bazel", "configure"];

    private readonly Regex[] _ignore = [.. ignore.Select(SourceSelection.Compile)];

    /// <exception cref="HarnessException">Not a git working tree, REF unknown, or the history cannot be read.</exception>
    public AffectedSelection Choose(IReadOnlyList<TestCase> tests)
    {
        ArgumentNullException.ThrowIfNull(tests);
        var repository = GitChanges.Repository(workingDirectory);
        var target = GitChanges.Resolve(repository, since ?? "HEAD");
        using var store = SqliteHistoryStore.Open(historyPath);
        var bases = store.ImpactCommits(tests.Select(t => t.Binary.Suite + ".").Distinct(StringComparer.Ordinal), MaxBases)
            .Where(commit => commit == target || IsAncestor(repository, commit, target)).ToList();
        // Newest base first, so each test takes its newest map.
        var maps = new Dictionary<string, (ImpactMap Map, string Base)>(StringComparer.Ordinal);
        foreach (var commit in bases)
        {
            foreach (var (test, map) in store.ImpactMaps(commit))
            {
                maps.TryAdd(test, (map, commit));
            }
        }
        var recordedFiles = maps.Values.SelectMany(m => m.Map.Lines.Keys).ToHashSet(StringComparer.Ordinal);
        var changes = new Dictionary<string, (ChangeSet Set, string? Unrecorded)>(StringComparer.Ordinal);
        (ChangeSet Set, string? Unrecorded) ChangesSince(string commit)
        {
            if (!changes.TryGetValue(commit, out var found))
            {
                var set = GitChanges.Since(repository, commit);
                var unrecorded = set.Files.Keys.Order(StringComparer.Ordinal)
                    .FirstOrDefault(path => !recordedFiles.Contains(path) && !_ignore.Any(glob => glob.IsMatch(path)));
                changes[commit] = found = (set, unrecorded);
            }
            return found;
        }

        var selected = new List<AffectedChoice>();
        var skipped = new List<AffectedChoice>();
        foreach (var test in tests)
        {
            if (!maps.TryGetValue(test.FullyQualifiedName, out var entry))
            {
                selected.Add(new AffectedChoice(test, "no impact data"));
                continue;
            }
            var (set, unrecorded) = ChangesSince(entry.Base);
            if (Reason(test, entry.Map, set) is { } reason)
            {
                selected.Add(new AffectedChoice(test, reason));
            }
            else if (unrecorded is not null)
            {
                selected.Add(new AffectedChoice(test, $"{(BuildFiles.Contains(Path.GetFileName(unrecorded)) ? "build file" : "file no test covers")} changed: {unrecorded}"));
            }
            else
            {
                skipped.Add(new AffectedChoice(test, $"not affected by the change since {Short(entry.Base)}"));
            }
        }
        return new AffectedSelection(bases.Count > 0 ? Short(bases[0]) : null, selected, skipped);
    }

    /// <summary>Why the change reaches this test through its own lines, or null.</summary>
    private static string? Reason(TestCase test, ImpactMap map, ChangeSet changes)
    {
        if (test is { SourceFile: { } file, SourceLine: { } line } && changes.Relative(file) is { } own
            && changes.Files.TryGetValue(own, out var ownChange) && ownChange.Adds(line))
        {
            return $"own source changed: {own}:{line}";
        }
        foreach (var (path, lines) in map.Lines.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (changes.Files.TryGetValue(path, out var change) && lines.FirstOrDefault(change.Touches) is > 0 and var hit)
            {
                return $"covers {path}:{hit}";
            }
        }
        return null;
    }

    private static bool IsAncestor(string repository, string commit, string target)
    {
        try
        {
            return GitChanges.IsAncestor(repository, commit, target);
        }
        catch (ChangeException)
        {
            return false; // a commit git no longer has (rebased away, a shallow clone): its maps cannot be diffed against
        }
    }

    private static string Short(string commit) => commit.Length > 12 ? commit[..12] : commit;
}
