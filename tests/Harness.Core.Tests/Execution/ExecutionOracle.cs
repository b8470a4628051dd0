using System.Text.RegularExpressions;
using Harness.Core.Model;
using Harness.Core.Suites;

namespace Harness.Core.Tests.Execution;

/// <summary>What the frameworks themselves say about each test, when run directly as a whole binary.</summary>
internal static partial class ExecutionOracle
{
    /// <summary>libtest's own verdict per test name: <c>test NAME ... ok|FAILED|ignored</c>.</summary>
    public static Dictionary<string, TestOutcome> LibTest(TestBinary binary, bool includeIgnored)
    {
        var result = ProcessRunner.Run(binary.Path, includeIgnored ? ["--include-ignored"] : [], binary.WorkingDirectory);
        return LibTestLine().Matches(result.StandardOutput).ToDictionary(
            m => m.Groups["name"].Value,
            m => m.Groups["verdict"].Value switch
            {
                "ok" => TestOutcome.Passed,
                "FAILED" => TestOutcome.Failed,
                _ => TestOutcome.Skipped,
            });
    }

    /// <summary>GoogleTest's own verdict per test, from the <c>[       OK ]</c>/<c>[  FAILED  ]</c> markers of a run of <paramref name="names"/>.</summary>
    public static Dictionary<string, TestOutcome> GoogleTest(TestBinary binary, IEnumerable<string> names)
    {
        var result = ProcessRunner.Run(binary.Path, [$"--gtest_filter={string.Join(':', names)}"], binary.WorkingDirectory);
        var outcomes = new Dictionary<string, TestOutcome>();
        foreach (Match m in GtestLine().Matches(result.StandardOutput))
        {
            outcomes.TryAdd(m.Groups["name"].Value, m.Groups["kind"].Value == "OK" ? TestOutcome.Passed : TestOutcome.Failed);
        }
        return outcomes;
    }

    [GeneratedRegex(@"^test (?<name>\S+) (?:- should panic )?\.\.\. (?<verdict>ok|FAILED|ignored)", RegexOptions.Multiline)]
    private static partial Regex LibTestLine();

    [GeneratedRegex(@"^\[ *(?<kind>OK|FAILED) *\] (?<name>[^\s,]+)(?:,[^\n]*)? \(\d+ ms\)\r?$", RegexOptions.Multiline)]
    private static partial Regex GtestLine();
}
