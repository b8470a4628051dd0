using System.Globalization;
using System.Text.RegularExpressions;
using Harness.Core.Processes;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Changes;

/// <summary>A change could not be read: not a git repository, no git, or a base git does not know. The message names which.</summary>
public sealed class ChangeException(string message, Exception? inner = null) : HarnessException(message, inner);

/// <summary>
/// The change of a working tree since a base commit, as git sees it: <c>git diff --unified=0 BASE</c> (committed since
/// the base, staged and unstaged alike) plus untracked files (<c>git ls-files --others --exclude-standard</c>), every
/// line of which is new. Git runs with its arguments as a list, never through a shell.
/// </summary>
public static partial class GitChanges
{
    /// <summary>The top level of the git working tree holding <paramref name="directory"/>.</summary>
    /// <exception cref="ChangeException">Not in a git working tree, or no git.</exception>
    public static string Repository(string directory) =>
        Git(directory, ["rev-parse", "--show-toplevel"], $"{directory}: not in a git working tree").Trim();

    /// <summary>The full commit id <paramref name="reference"/> names.</summary>
    /// <exception cref="ChangeException">Git does not know it.</exception>
    public static string Resolve(string repository, string reference) =>
        Git(repository, ["rev-parse", "--verify", "--quiet", "--end-of-options", reference + "^{commit}"], $"{reference}: no such commit in {repository}").Trim();

    /// <summary>Whether <paramref name="commit"/> is <paramref name="target"/> or one of its ancestors.</summary>
    /// <exception cref="ChangeException">Git does not know one of them.</exception>
    public static bool IsAncestor(string repository, string commit, string target)
    {
        int exitCode;
        try
        {
            exitCode = ToolProcess.Run("git", ["merge-base", "--is-ancestor", commit, target], repository, null, _ => { }, _ => { }, repository);
        }
        catch (SuiteException e)
        {
            throw new ChangeException($"git merge-base in {repository} failed: {e.Message}", e);
        }
        return exitCode switch
        {
            0 => true,
            1 => false,
            _ => throw new ChangeException($"{commit}: not a commit of {repository}"),
        };
    }

    /// <summary>The change of the working tree of <paramref name="repository"/> since <paramref name="reference"/>.</summary>
    /// <exception cref="ChangeException">Git failed (the message has its error).</exception>
    public static ChangeSet Since(string repository, string reference)
    {
        var commit = Resolve(repository, reference);
        var diff = Git(repository, ["-c", "core.quotePath=false", "diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-renames", commit, "--"],
            $"git diff {reference} in {repository} failed");
        var files = Parse(diff).ToDictionary(f => f.Path, StringComparer.Ordinal);
        var untracked = Git(repository, ["ls-files", "--others", "--exclude-standard", "-z"], $"git ls-files in {repository} failed");
        foreach (var path in untracked.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = LineCount(Path.Combine(repository, path));
            files[path] = new FileChange(path, [], lines > 0 ? [new LineRange(1, lines)] : [], IsNew: true);
        }
        return new ChangeSet(commit, repository, files);
    }

    /// <summary>The files of a <c>git diff --unified=0</c>, each with the lines its hunks name.</summary>
    public static IEnumerable<FileChange> Parse(string diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        string? oldPath = null, newPath = null, header = null;
        var touched = new List<LineRange>();
        var added = new List<LineRange>();
        FileChange? Finish()
        {
            if (header is null)
            {
                return null;
            }
            var path = newPath ?? oldPath ?? HeaderPath(header);
            var change = new FileChange(path, [.. touched], [.. added], IsNew: oldPath is null && newPath is not null);
            touched.Clear();
            added.Clear();
            return change;
        }
        foreach (var line in diff.Split('\n'))
        {
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                if (Finish() is { } done)
                {
                    yield return done;
                }
                header = line;
                oldPath = newPath = null;
            }
            else if (line.StartsWith("--- ", StringComparison.Ordinal) && touched.Count == 0 && added.Count == 0)
            {
                oldPath = SidePath(line[4..], "a/");
            }
            else if (line.StartsWith("+++ ", StringComparison.Ordinal) && touched.Count == 0 && added.Count == 0)
            {
                newPath = SidePath(line[4..], "b/");
            }
            else if (Hunk().Match(line) is { Success: true } hunk)
            {
                var oldStart = Number(hunk.Groups[1]);
                var oldCount = hunk.Groups[2].Success ? Number(hunk.Groups[2]) : 1;
                var newStart = Number(hunk.Groups[3]);
                var newCount = hunk.Groups[4].Success ? Number(hunk.Groups[4]) : 1;
                // An insertion goes between base lines oldStart and oldStart + 1: both count as touched ("added next to").
                touched.Add(oldCount > 0 ? new LineRange(oldStart, oldStart + oldCount - 1) : new LineRange(Math.Max(oldStart, 1), oldStart + 1));
                if (newCount > 0)
                {
                    added.Add(new LineRange(newStart, newStart + newCount - 1));
                }
            }
        }
        if (Finish() is { } last)
        {
            yield return last;
        }
    }

    /// <summary>The repository-relative, '/'-separated form of <paramref name="path"/>, or null outside <paramref name="repository"/>.</summary>
    public static string? RelativeTo(string repository, string path)
    {
        var relative = Path.GetRelativePath(repository, path);
        return relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative;
    }

    private static int Number(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    /// <summary>A <c>---</c>/<c>+++</c> path: null for <c>/dev/null</c>; git quotes paths with unusual characters.</summary>
    private static string? SidePath(string text, string prefix)
    {
        text = text.TrimEnd('\r');
        if (text == "/dev/null")
        {
            return null;
        }
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = Regex.Unescape(text[1..^1]);
        }
        return text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text;
    }

    /// <summary>The path of a file whose diff has no <c>---</c>/<c>+++</c> lines (a binary file, a mode change).</summary>
    private static string HeaderPath(string header)
    {
        var at = header.LastIndexOf(" b/", StringComparison.Ordinal);
        return at < 0 ? header["diff --git ".Length..] : header[(at + 3)..];
    }

    private static int LineCount(string path)
    {
        try
        {
            return File.ReadLines(path).Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0; // a directory (a nested repository) or an unreadable file: a changed file with no lines
        }
    }

    private static string Git(string directory, string[] arguments, string failure)
    {
        var output = new List<string>();
        var errors = new List<string>();
        int exitCode;
        try
        {
            exitCode = ToolProcess.Run("git", arguments, directory, null, output.Add, errors.Add, directory);
        }
        catch (SuiteException e)
        {
            throw new ChangeException($"{failure}: {e.Message}", e);
        }
        if (exitCode != 0)
        {
            var error = errors.FirstOrDefault(e => e.Trim().Length > 0)?.Trim();
            throw new ChangeException(error is null ? failure : $"{failure}: {error}");
        }
        return string.Join('\n', output);
    }

    [GeneratedRegex(@"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")]
    private static partial Regex Hunk();
}
