using System.Text.RegularExpressions;
using Harness.Core.Model;
using Harness.Core.Processes;

namespace Harness.Core.Frameworks.CTest;

/// <summary>
/// Runs one CTest entry and judges it as ctest does (CMake 3.25's <c>cmCTestRunTest::EndTest</c>, checked against
/// <c>ctest --output-on-failure</c> on <c>fixtures/ctest-props</c>): a missing REQUIRED_FILES entry is not run and
/// fails; on a normal exit SKIP_RETURN_CODE or a SKIP_REGULAR_EXPRESSION match skips; otherwise it passes when it
/// exited 0 (or, with PASS_REGULAR_EXPRESSION, whatever its exit code, when the output matched one) and matched no
/// FAIL_REGULAR_EXPRESSION, inverted by WILL_FAIL. A crash or a timeout fails whatever the properties say.
/// </summary>
/// <remarks>
/// ctest matches its expressions against the test's stdout and stderr merged as they came; harness keeps the streams
/// apart, so an expression matches when it matches either. CMake's regular expressions (cmsys) are a subset of .NET's.
/// </remarks>
internal static class CTestVerdict
{
    public static TestResult Run(TestCase test, CTestProperties properties, RunContext context)
    {
        var binary = test.Binary;
        var missing = properties.RequiredFiles.FirstOrDefault(file => !File.Exists(Path.GetFullPath(file, binary.WorkingDirectory)));
        if (missing is not null)
        {
            // ctest reports it "Not Run" among the failed tests.
            return TestResult.WithoutRun(test, TestOutcome.Failed, $"not run: required file missing: {missing}");
        }
        var run = context.Start([]);
        if (run.StartError is not null || run.TimedOut || run.Signal is not null || run.ExitCode is not { } exitCode)
        {
            return Results.FromExit(test, run, context.Timeout);
        }

        if (properties.SkipReturnCode == exitCode)
        {
            return Results.Of(test, run, TestOutcome.Skipped, $"SKIP_RETURN_CODE={exitCode}");
        }
        if (Matching(properties.SkipRegularExpressions, run) is not null)
        {
            return Results.Of(test, run, TestOutcome.Skipped, "SKIP_REGULAR_EXPRESSION matched");
        }
        string? reason = null;
        var passRequired = properties.PassRegularExpressions.Count > 0;
        if (passRequired && Matching(properties.PassRegularExpressions, run) is null)
        {
            reason = $"required regular expression not found: {string.Join(" or ", properties.PassRegularExpressions.Select(e => $"[{e}]"))}";
        }
        if (Matching(properties.FailRegularExpressions, run) is { } failure)
        {
            reason = $"error regular expression found in output: [{failure}]";
        }
        var success = reason is null && (exitCode == 0 || passRequired);
        if (success != properties.WillFail)
        {
            return Results.Of(test, run, TestOutcome.Passed, null);
        }
        var message = properties.WillFail
            ? $"WILL_FAIL, but it passed (exit code {exitCode})"
            : reason ?? $"exit code {exitCode}";
        return Results.Of(test, run, TestOutcome.Failed, message);
    }

    private static string? Matching(IReadOnlyList<string> expressions, ProcessRun run) =>
        expressions.FirstOrDefault(expression =>
        {
            var regex = new Regex(expression, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
            return regex.IsMatch(run.StandardOutput) || regex.IsMatch(run.StandardError);
        });
}
