using Harness.Core.Model;
using Harness.Reporters.Results;

namespace Harness.Reporters.Tests;

/// <summary>Workflow-command lines as the GitHub runner parses them (escaping from actions/toolkit's command.ts).</summary>
public sealed class GitHubActionsTests
{
    private static ResultEntry Test(TestOutcome outcome, string? message, string? failureFile, int? failureLine) =>
        new("rust.calc.lib.tests.adds", "tests::adds", "rust", "calc.lib", "/w/target/debug/deps/calc", outcome, false, 1, 0.1, DateTimeOffset.UnixEpoch,
            "/w/repo/calc/src/lib.rs", 20, message, failureFile, failureLine, 101, null, "", "");

    [Fact]
    public void Error_FailedTestWithPanicLocation_RelativeFileLineAndEscapedMultiLineMessage()
    {
        var line = GitHubActions.Error(Test(TestOutcome.Failed, "assertion `left == right` failed: 100%\n  left: 4\r\n right: 5", "/w/repo/calc/src/lib.rs", 58), "/w/repo");

        Assert.Equal("::error file=calc/src/lib.rs,line=58,title=rust.calc.lib.tests.adds failed::assertion `left == right` failed: 100%25%0A  left: 4%0D%0A right: 5", line);
    }

    [Fact]
    public void Error_HostileNameAndPath_CannotEndTheCommandOrAddProperties()
    {
        var test = Test(TestOutcome.Crashed, null, null, null) with { FullyQualifiedName = "a::b,line=1\n::warning::x", File = "/elsewhere/x,y:z.c", Line = null };

        var line = GitHubActions.Error(test, "/w/repo");

        Assert.Equal("::error file=/elsewhere/x%2Cy%3Az.c,title=a%3A%3Ab%2Cline=1%0A%3A%3Awarning%3A%3Ax crashed::tests::adds crashed", line);
        Assert.DoesNotContain('\n', line!);
    }

    [Fact]
    public void Error_PassedOrSkipped_Null()
    {
        Assert.Null(GitHubActions.Error(Test(TestOutcome.Passed, null, null, null), null));
        Assert.Null(GitHubActions.Error(Test(TestOutcome.Skipped, null, null, null), null));
    }

    [Fact]
    public void AppendStepSummary_ExistingSummary_KeptAndMarkdownAddedAfterIt()
    {
        using var temp = new TempDirectory("step-summary");
        File.WriteAllText(temp.File("summary.md"), "## Coverage\n| a | b |");
        File.WriteAllText(temp.File("step"), "earlier step\n");

        GitHubActions.AppendStepSummary(temp.File("summary.md"), temp.File("step"));

        Assert.Equal("earlier step\n\n## Coverage\n| a | b |\n", File.ReadAllText(temp.File("step")));
    }

    [Fact]
    public void IsActive_OnlyWhenGitHubActionsIsTrue()
    {
        Assert.True(GitHubActions.IsActive(name => name == "GITHUB_ACTIONS" ? "true" : null));
        Assert.False(GitHubActions.IsActive(_ => null));
        Assert.False(GitHubActions.IsActive(_ => "false"));
    }
}
