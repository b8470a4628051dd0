using System.Diagnostics;
using System.Text;
using Harness.Core.Model;

namespace Harness.Core.Processes;

/// <summary>
/// How a test binary's process starts, for listing and running alike: in its working directory, with its fixed
/// arguments first, output redirected, and an environment that is harness's own, less what would change which
/// tests run, plus the binary's.
/// </summary>
internal static class TestProcessStart
{
    /// <summary>
    /// GoogleTest's sharding variables, inherited from a CI job that shards with them, would make a listing or a batch
    /// silently cover only its shard of the tests; harness shards with --partition instead.
    /// </summary>
    private static readonly string[] Unset = ["GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX", "GTEST_SHARD_STATUS_FILE"];

    /// <summary>Runs <paramref name="binary"/> with <paramref name="arguments"/> after its own, through <paramref name="launcher"/> when given (the binary's path becomes its first argument).</summary>
    public static ProcessStartInfo For(TestBinary binary, IEnumerable<string> arguments, string? launcher = null)
    {
        IEnumerable<string> all = launcher is null ? [.. binary.Arguments, .. arguments] : [binary.Path, .. binary.Arguments, .. arguments];
        var start = ToolProcess.StartInfo(launcher ?? binary.Path, all, binary.WorkingDirectory);
        ApplyEnvironment(binary, start.Environment);
        return start;
    }

    public static void ApplyEnvironment(TestBinary binary, IDictionary<string, string?> environment)
    {
        foreach (var name in Unset)
        {
            environment.Remove(name);
        }
        foreach (var (name, value) in binary.Environment)
        {
            environment[name] = value;
        }
        EnvironmentChange.ApplyAll(binary.EnvironmentChanges, environment);
    }
}
