using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// What the real <c>harness test</c> and <c>harness cover</c> print to a console: a test's lines as it prints them
/// (<c>--no-capture</c>), a summary table that fits 80 columns with long binary names, and the same path form in both
/// summaries.
/// </summary>
public sealed partial class ConsoleOutputTests
{
    private const int SigTerm = 15;
    private static readonly Harness.Testing.CMakeBuild CTest = Fixtures.CMake("c-ctest", CFlavour.O0);

    [Fact]
    public async Task Test_NoCapture_EachLinePrefixedWithItsTestWhileTheTestStillRuns()
    {
        // c_timeout prints a line, then sleeps 10 s: the line must be on harness's stdout while it sleeps. Seeing it,
        // the test stops the run; had the line come only at the end, the test would have passed first.
        using var directory = new TempDirectory("no-capture");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in (string[])[HarnessCover.AssemblyPath, "test", CTest.BuildDirectory, "--filter", "c_timeout", "--timeout", "60", "--no-capture", "--no-history", "--out", directory.Path])
        {
            start.ArgumentList.Add(argument);
        }
        using var harness = Process.Start(start) ?? throw new InvalidOperationException("harness did not start");
        harness.StandardInput.Close();
        var error = harness.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var seen = new List<string>();
        string? line;
        while ((line = await harness.StandardOutput.ReadLineAsync(patience.Token)) is not null)
        {
            seen.Add(line);
            if (line.EndsWith(".c_timeout: c_timeout: sleeping 10 s", StringComparison.Ordinal))
            {
                Assert.Equal(0, Kill(harness.Id, SigTerm));
                break;
            }
        }
        var rest = await harness.StandardOutput.ReadToEndAsync(patience.Token);
        Assert.True(harness.WaitForExit(TimeSpan.FromSeconds(60)), "harness did not exit after SIGTERM");
        var said = $"{string.Join('\n', seen)}\n{rest}\n{await error}";

        Assert.True(line is not null, $"no streamed line before harness ended:\n{said}");
        Assert.True(harness.ExitCode == 143, $"exit {harness.ExitCode}\n{said}");
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, "results.json")));
        Assert.Equal("cancelled", Assert.Single(results.RootElement.GetProperty("tests").EnumerateArray()).GetProperty("outcome").GetString());
    }

    [Fact]
    public void Test_LongBinaryNamesAt80Columns_TableFitsAndNoColumnIsSqueezed()
    {
        using var directory = new TempDirectory("summary-80");
        string[] names = ["a_test_binary_whose_name_is_far_too_long_for_the_binary_column_of_an_80_column_table", "another-binary-with-a-long-hyphenated-name-that-must-wrap-near-a-hyphen"];
        File.Copy(CTest.Output("test_fail"), directory.File(names[0])); // File.Copy keeps the mode: still executable
        File.Copy(CTest.Output("test_pass"), directory.File(names[1])); // without CTest's environment it fails too

        var result = ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, "test", .. names.Select(directory.File), "--no-history", "--out", directory.File("out")],
            environment: new Dictionary<string, string?> { ["COLUMNS"] = "80" }, timeout: TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 1, result.StandardOutput + result.StandardError);
        var lines = result.StandardOutput.Split('\n');
        var header = Array.FindIndex(lines, l => l.TrimStart().StartsWith("binary ", StringComparison.Ordinal));
        var rule = Array.FindIndex(lines, header + 1, l => l.Contains("────", StringComparison.Ordinal));
        var end = Array.FindIndex(lines, rule, l => l.StartsWith("FAILED ", StringComparison.Ordinal));
        Assert.True(header >= 0 && rule > header && end > rule, result.StandardOutput);
        var table = lines[header..end];
        Assert.All(table, l => Assert.True(l.TrimEnd().Length <= 80, $"{l.TrimEnd().Length} columns: {l}\n{result.StandardOutput}"));
        // Every header whole on its line (none folded into a column a character wide), the time saying it is a sum.
        Assert.Equal(["binary", "passed", "failed", "time", "s"], lines[header].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["(sum)"], lines[header + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        // Each name is whole once its wrapped lines are joined: the first cell of the body's lines, in order.
        var body = string.Concat(table[(rule - header + 1)..].Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()));
        foreach (var name in names)
        {
            Assert.Contains(name, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TestAndCover_OutputUnderTheCurrentDirectory_BothSummariesNameItRelative()
    {
        using var directory = new TempDirectory("summary-paths");
        var program = CTest.Output("test_fail");

        var test = ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, "test", program, "--no-history", "--out", Path.Combine(directory.Path, "test-out")],
            workingDirectory: directory.Path, timeout: TimeSpan.FromMinutes(3));
        var cover = ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, "cover", "--out", Path.Combine(directory.Path, "cover-out"), "--", program],
            workingDirectory: directory.Path, timeout: TimeSpan.FromMinutes(3));

        // harness test's summary is its stdout; harness cover's stdout is the program's own, so its summary is on stderr.
        Assert.Contains("; results in test-out\n", test.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("; reports in cover-out\n", cover.StandardError, StringComparison.Ordinal);
        Assert.Empty(cover.StandardOutput);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
