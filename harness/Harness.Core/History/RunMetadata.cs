using Harness.Core.Processes;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.History;

/// <summary>What a run records about where it ran: machine, cores, harness version and, in a git working tree, commit and branch.</summary>
public static class RunMetadata
{
    /// <summary>The metadata of a run starting now in <paramref name="workingDirectory"/>.</summary>
    public static RunInfo Capture(string workingDirectory, IEnumerable<string> suites, int repeat, int warmup)
    {
        var commit = Git(workingDirectory, "rev-parse", "--verify", "--quiet", "HEAD");
        var branch = commit is null ? null : Git(workingDirectory, "rev-parse", "--abbrev-ref", "HEAD");
        var repository = commit is null ? null : Git(workingDirectory, "rev-parse", "--show-toplevel");
        return new RunInfo(
            0, DateTimeOffset.UtcNow, commit, branch is null or "HEAD" ? null : branch, Environment.MachineName, Environment.ProcessorCount,
            typeof(RunMetadata).Assembly.GetName().Version?.ToString() ?? "0", string.Join(' ', suites), repeat, warmup)
        {
            Repository = repository,
        };
    }

    /// <summary>One line git prints, or <see langword="null"/> outside a repository or without git.</summary>
    internal static string? Git(string workingDirectory, params string[] arguments)
    {
        var output = new List<string>();
        try
        {
            var exitCode = ToolProcess.Run("git", arguments, workingDirectory, null, output.Add, _ => { }, workingDirectory);
            var line = output.FirstOrDefault()?.Trim() ?? "";
            return exitCode == 0 && line.Length > 0 ? line : null;
        }
        catch (SuiteException)
        {
            return null; // no git on this machine: history is kept without commits
        }
    }
}
