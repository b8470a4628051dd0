using System.Globalization;
using System.Text;
using Harness.Core.Model;

namespace Harness.Reporters.Results;

/// <summary>
/// What a run under GitHub Actions adds: workflow commands for failed tests, <c>::error file=F,line=N,title=T::message</c>, one line each,
/// which the runner turns into annotations on the job and on the pull request's diff. Printed only when
/// <c>GITHUB_ACTIONS=true</c>, where the runner reads them from standard output; and the markdown summary appended
/// to the file <c>GITHUB_STEP_SUMMARY</c> names, shown on the run's page.
/// </summary>
/// <remarks>
/// The message and the properties are escaped as the runner unescapes them (<c>%</c>, CR, LF; in properties also
/// <c>:</c> and <c>,</c>), so a test name or panic message cannot end the command early or start another one.
/// File paths are made relative to <c>GITHUB_WORKSPACE</c>: the diff view only matches paths of the repository.
/// </remarks>
public static class GitHubActions
{
    public static bool IsActive(Func<string, string?> environment) =>
        string.Equals(environment("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>::error</c> line of a test that failed, crashed or timed out; null for any other outcome.</summary>
    /// <param name="workspace">GITHUB_WORKSPACE, or null: paths under it are written relative to it.</param>
    public static string? Error(ResultEntry test, string? workspace)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (!test.Outcome.IsFailure())
        {
            return null;
        }
        var line = new StringBuilder("::error ");
        var file = test.FailureFile ?? test.File;
        var number = test.FailureFile is not null ? test.FailureLine : test.Line;
        if (file is not null)
        {
            line.Append("file=").Append(Property(Relative(file, workspace)));
            if (number is { } n)
            {
                line.Append(",line=").Append(n.ToString(CultureInfo.InvariantCulture));
            }
            line.Append(',');
        }
        var outcome = test.Outcome == TestOutcome.TimedOut ? "timed out" : test.Outcome.Name();
        line.Append("title=").Append(Property($"{test.FullyQualifiedName} {outcome}"));
        line.Append("::").Append(Data(test.FailureMessage is { Length: > 0 } message ? message : $"{test.DisplayName} {outcome}"));
        return line.ToString();
    }

    /// <summary>Appends <paramref name="markdownFile"/> to the job summary file, with a blank line before it: other steps
    /// append there too.</summary>
    public static void AppendStepSummary(string markdownFile, string stepSummaryFile)
    {
        var markdown = File.ReadAllText(markdownFile);
        File.AppendAllText(stepSummaryFile, "\n" + markdown + (markdown.EndsWith('\n') ? "" : "\n"));
    }

    private static string Relative(string path, string? workspace)
    {
        if (string.IsNullOrEmpty(workspace) || !Path.IsPathRooted(path))
        {
            return path;
        }
        var root = workspace.EndsWith('/') ? workspace : workspace + "/";
        return path.StartsWith(root, StringComparison.Ordinal) ? path[root.Length..] : path;
    }

    private static string Data(string text) =>
        text.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Property(string text) =>
        Data(text).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
