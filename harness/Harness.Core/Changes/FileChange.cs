namespace Harness.Core.Changes;

/// <summary>Lines <see cref="From"/> to <see cref="To"/>, both included, 1-based.</summary>
public readonly record struct LineRange(int From, int To)
{
    public bool Contains(int line) => line >= From && line <= To;
}

/// <summary>
/// What a change did to one file, in the two coordinates that matter: the base's lines it touched (to intersect
/// with what was recorded at the base) and the working tree's lines it added or changed (to ask whether tests ran them).
/// </summary>
/// <param name="Path">The file's path relative to the repository's top level, '/'-separated (its new path; the old one when deleted).</param>
/// <param name="Touched">Base lines changed or removed, and for a pure insertion the two base lines it went between
/// (git's <c>@@ -a,0 +c,d @@</c> inserts after base line <c>a</c>), sorted.</param>
/// <param name="Added">Working-tree lines added or changed, sorted; empty for a deletion.</param>
/// <param name="IsNew">The file did not exist at the base (added, or untracked).</param>
public sealed record FileChange(string Path, IReadOnlyList<LineRange> Touched, IReadOnlyList<LineRange> Added, bool IsNew)
{
    /// <summary>Whether the change touched base line <paramref name="line"/>.</summary>
    public bool Touches(int line) => Touched.Any(r => r.Contains(line));

    /// <summary>Whether working-tree line <paramref name="line"/> is added or changed.</summary>
    public bool Adds(int line) => Added.Any(r => r.Contains(line));
}

/// <summary>Every file a change touched, by path, since <see cref="Base"/> (a full commit id).</summary>
public sealed record ChangeSet(string Base, string Repository, IReadOnlyDictionary<string, FileChange> Files)
{
    /// <summary>The repository-relative form of an absolute path, or null when it lies outside the repository.</summary>
    public string? Relative(string path) => GitChanges.RelativeTo(Repository, path);
}
