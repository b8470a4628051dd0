using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// A real <c>harness test</c> process stopped as CI stops it (SIGTERM), over the c-trace build directory's small CTest
/// suite (two long tests, one of which double-forked a daemon, and a quick one), with and without coverage: no process
/// of the run is left, the partial results are written with the interrupted tests cancelled and the others not run.
/// Every process of one run is found by a variable only that run's environment has, so parallel sessions do not mix.
/// </summary>
public sealed partial class InterruptTests
{
    private const int SigTerm = 15;
    private const string MarkVariable = "HARNESS_E2E_INTERRUPT_MARK";
    private static readonly string Suite = Fixtures.CMake("c-trace", CFlavour.O0).BuildDirectory;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Test_SigtermWhileTwoLongTestsRun_NoProcessLeftCancelledAndNotRunWrittenExit143(bool coverage)
    {
        using var directory = new TempDirectory("interrupt");
        var mark = Guid.NewGuid().ToString("N");
        using var harness = Start(mark, ["test", Suite, "--filter", "long_", "--filter", "quick_oracle", "--jobs", "2", "--no-history", "--out", directory.Path,
            .. coverage ? new[] { "--coverage" } : []]);
        var output = harness.StandardOutput.ReadToEndAsync();
        var error = harness.StandardError.ReadToEndAsync();

        // Both long tests running: daemonizer and its daemon, sleeper and its child.
        var running = WaitFor(mark, harness.Id, found => found.Count(p => p.Name == "daemonizer") == 2 && found.Count(p => p.Name == "sleeper") == 2);
        Assert.True(running is not null, $"the long tests did not start: {Describe(mark, harness.Id)}");
        Assert.Equal(0, Kill(harness.Id, SigTerm));
        Assert.True(harness.WaitForExit(TimeSpan.FromSeconds(60)), "harness did not exit after SIGTERM");
        var said = $"{await output}\n{await error}";

        Assert.True(harness.ExitCode == 143, $"exit {harness.ExitCode}\n{said}");
        foreach (var (pid, name) in running)
        {
            ProcessState.AssertGone(pid, name, TimeSpan.FromSeconds(5));
        }
        Assert.Empty(Marked(mark, harness.Id));
        var outcomes = Outcomes(directory.Path);
        Assert.Equal("cancelled", outcomes.Single(o => o.Key.EndsWith(".long_daemon", StringComparison.Ordinal)).Value);
        Assert.Equal("cancelled", outcomes.Single(o => o.Key.EndsWith(".long_sleeper", StringComparison.Ordinal)).Value);
        Assert.Equal("not-run", outcomes.Single(o => o.Key.EndsWith(".quick_oracle", StringComparison.Ordinal)).Value);
        Assert.Equal(3, outcomes.Count);
        Assert.Contains("harness: interrupted: 2 of 3 ran", said, StringComparison.Ordinal);
        var junit = XDocument.Load(Path.Combine(directory.Path, "junit.xml")).Root!;
        Assert.Equal("2", (string?)junit.Attribute("errors"));
        Assert.Equal("1", (string?)junit.Attribute("skipped"));
        var notRun = junit.Descendants("testcase").Single(t => (string?)t.Attribute("name") == "quick_oracle");
        Assert.StartsWith("not run", (string?)notRun.Element("skipped")?.Attribute("message"), StringComparison.Ordinal);
        if (coverage)
        {
            Assert.True(File.Exists(Path.Combine(directory.Path, "lcov.info")), said);
            Assert.True(File.Exists(Path.Combine(directory.Path, "coverage.cobertura.xml")), said);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Test_TestLeavesADaemonRunning_DaemonKilledWhenTheTestEnds(bool coverage)
    {
        using var directory = new TempDirectory("daemon-left");
        var mark = Guid.NewGuid().ToString("N");
        using var harness = Start(mark, ["test", Suite, "--filter", "quick_daemon", "--no-history", "--out", directory.Path, .. coverage ? new[] { "--coverage" } : []]);
        var output = harness.StandardOutput.ReadToEndAsync();
        var error = harness.StandardError.ReadToEndAsync();
        Assert.True(harness.WaitForExit(TimeSpan.FromSeconds(120)), "harness did not finish");
        var said = $"{await output}\n{await error}";

        Assert.True(harness.ExitCode == 0, $"exit {harness.ExitCode}\n{said}");
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, "results.json")));
        var test = Assert.Single(document.RootElement.GetProperty("tests").EnumerateArray());
        Assert.Equal("passed", test.GetProperty("outcome").GetString());
        var daemon = DaemonLine().Match(test.GetProperty("standardOutput").GetString()!);
        Assert.True(daemon.Success, test.ToString());
        ProcessState.AssertGone(int.Parse(daemon.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), "the test's daemon", TimeSpan.FromSeconds(5));
        Assert.Empty(Marked(mark, harness.Id));
    }

    [Fact]
    public void Test_FilterMatchingNothing_Exit4NoTestsToRunAndNoHistory()
    {
        using var directory = new TempDirectory("no-tests");
        var history = Path.Combine(directory.Path, "history.db");
        var result = Run("test", Suite, "--filter", "matches-nothing-at-all", "--history", history, "--out", directory.Path);

        Assert.True(result.ExitCode == 4, result.StandardOutput + result.StandardError);
        Assert.Contains("no tests to run", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(history), "an empty run was recorded in the history");
    }

    [Theory]
    [InlineData("warn", true)]
    [InlineData("pass", false)]
    public void Test_FilterMatchingNothingWithNoTestsOption_Exit0(string noTests, bool warns)
    {
        using var directory = new TempDirectory("no-tests-" + noTests);
        var result = Run("test", Suite, "--filter", "matches-nothing-at-all", "--no-tests", noTests, "--no-history", "--out", directory.Path);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Equal(warns, result.StandardError.Contains("warning: no tests to run", StringComparison.Ordinal));
    }

    [Fact]
    public void Test_NoTestsBadValue_UsageError()
    {
        var result = Run("test", Suite, "--no-tests", "maybe");
        Assert.NotEqual(0, result.ExitCode);
        Assert.NotEqual(4, result.ExitCode);
        Assert.Contains("maybe", result.StandardError, StringComparison.Ordinal);
    }

    private static Process Start(string mark, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(HarnessCover.AssemblyPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment[MarkVariable] = mark;
        var process = Process.Start(start) ?? throw new InvalidOperationException("harness did not start");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Polls until the run's processes satisfy <paramref name="ready"/>; null after a minute.</summary>
    private static List<(int Pid, string Name)>? WaitFor(string mark, int harness, Func<List<(int Pid, string Name)>, bool> ready)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var found = Marked(mark, harness);
            if (ready(found))
            {
                return found;
            }
            Thread.Sleep(50);
        }
        return null;
    }

    private static string Describe(string mark, int harness) => string.Join(", ", Marked(mark, harness).Select(p => $"{p.Pid} {p.Name}"));

    /// <summary>Live processes (not harness) whose environment has the run's mark; zombies have none and are not listed.</summary>
    private static List<(int Pid, string Name)> Marked(string mark, int harness)
    {
        var needle = Encoding.ASCII.GetBytes($"{MarkVariable}={mark}\0");
        var found = new List<(int, string)>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || pid == harness)
            {
                continue;
            }
            try
            {
                if (File.ReadAllBytes(Path.Combine(entry, "environ")).AsSpan().IndexOf(needle) >= 0)
                {
                    found.Add((pid, File.ReadAllText(Path.Combine(entry, "comm")).Trim()));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        return found;
    }

    private static Dictionary<string, string> Outcomes(string directory)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "results.json")));
        return document.RootElement.GetProperty("tests").EnumerateArray()
            .ToDictionary(t => t.GetProperty("fullyQualifiedName").GetString()!, t => t.GetProperty("outcome").GetString()!);
    }

    private static ProcessResult Run(params string[] arguments) =>
        ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, .. arguments], timeout: TimeSpan.FromMinutes(3));

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [System.Text.RegularExpressions.GeneratedRegex(@"^daemon (\d+)$", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex DaemonLine();
}
