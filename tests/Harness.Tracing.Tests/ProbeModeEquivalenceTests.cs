using Harness.Core.Coverage;
using Harness.Testing;
using Harness.Tracing.Tests.Support;
using Xunit.Abstractions;

namespace Harness.Tracing.Tests;

/// <summary>
/// Block probes (decoded basic blocks, dominator-pruned) must prove exactly the lines line probes prove, on every line
/// line mode can see (its statement lines), with fewer traps: on every c-trace program at -O0 and -O2 (threads, forks,
/// execs, dlopen, signals, a segfault, abort, exit from a thread), the Rust fixture's tests and a GoogleTest binary
/// with a shared library. Block mode may see more lines (non-statement rows of lines with no statement row); those
/// are not compared here.
/// </summary>
public sealed class ProbeModeEquivalenceTests(ITestOutputHelper output)
{
    public static TheoryData<CFlavour, string, string[]> CTrace()
    {
        var data = new TheoryData<CFlavour, string, string[]>();
        foreach (var flavour in new[] { CFlavour.O0, CFlavour.O2 })
        {
            foreach (var program in new[] { "threads", "forker", "exec_helper", "crasher", "aborter", "thread_exit", "signals", "dlopen_user", "coverage_oracle", "helper" })
            {
                data.Add(flavour, program, []);
            }
            data.Add(flavour, "coverage_oracle", ["alpha", "42", "-x", "zz", "7b"]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CTrace))]
    public void Run_CTraceProgram_BlockModeProvesTheLinesLineModeProves(CFlavour flavour, string program, string[] arguments)
    {
        var binary = CTracePrograms.Program(flavour, program);
        var lines = TracedRun.Start(binary, arguments, mode: ProbeMode.Lines);
        var blocks = TracedRun.Start(binary, arguments, mode: ProbeMode.Blocks);
        AssertEquivalent(lines, blocks);
    }

    [Fact]
    public void Run_RustCalcTests_BlockModeProvesTheLinesLineModeProves()
    {
        var build = Fixtures.Rust(RustFlavour.Default);
        var binary = build.UnitTestBinary("calc");
        var crate = Path.Combine(build.SourceDirectory, "calc");
        string[] arguments = ["--test-threads", "2"];
        var lines = TracedRun.Start(binary, arguments, options => options with { WorkingDirectory = crate }, mode: ProbeMode.Lines);
        var blocks = TracedRun.Start(binary, arguments, options => options with { WorkingDirectory = crate }, mode: ProbeMode.Blocks);
        AssertEquivalent(lines, blocks);
    }

    /// <summary>
    /// Branch probes (which stay in place and execute the jump for the thread) must not change what the program does or
    /// which lines are proven — threads, forks, signals and a segfault included — and an arm is only ever taken on a line
    /// that ran.
    /// </summary>
    [Theory]
    [InlineData(CFlavour.O0, "threads")]
    [InlineData(CFlavour.O0, "forker")]
    [InlineData(CFlavour.O0, "signals")]
    [InlineData(CFlavour.O0, "crasher")]
    [InlineData(CFlavour.O2, "coverage_oracle")]
    [InlineData(CFlavour.O2, "threads")]
    public void Run_CTraceProgram_BranchModeProvesTheLinesLineModeProves(CFlavour flavour, string program)
    {
        var binary = CTracePrograms.Program(flavour, program);
        var lines = TracedRun.Start(binary, [], mode: ProbeMode.Lines);
        var branches = TracedRun.Start(binary, [], branches: BranchCoverage.All);
        AssertEquivalent(lines, branches, fewerTraps: false);
        AssertArmsOnlyOnLinesRun(branches);
    }

    [Fact]
    public void Run_RustCalcTests_BranchModeProvesTheLinesLineModeProves()
    {
        var build = Fixtures.Rust(RustFlavour.Default);
        var binary = build.UnitTestBinary("calc");
        var crate = Path.Combine(build.SourceDirectory, "calc");
        string[] arguments = ["--test-threads", "2"];
        var lines = TracedRun.Start(binary, arguments, options => options with { WorkingDirectory = crate }, mode: ProbeMode.Lines);
        var branches = TracedRun.Start(binary, arguments, options => options with { WorkingDirectory = crate }, branches: BranchCoverage.Written);
        AssertEquivalent(lines, branches, fewerTraps: false);
        AssertArmsOnlyOnLinesRun(branches);
    }

    private static void AssertArmsOnlyOnLinesRun(TracedRun run)
    {
        var lines = run.Report.Files.SelectMany(f => f.Lines).Where(l => l.Branches is { Count: > 0 }).ToList();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.Branches!.Any(a => a.IsTaken));
        Assert.All(lines, l => Assert.True(l.IsCovered || !l.Branches!.Any(a => a.IsTaken), $"line {l.Line}: an arm taken on a line not run"));
    }

    /// <summary>
    /// C++ at -O0 calls on nearly every line (constructors, operators), and a block ending in a call keeps its probe (the
    /// call may not return): here block mode may trap more often than line mode, but must still prove the same lines.
    /// </summary>
    [Fact]
    public void Run_GtestWithSharedLibrary_BlockModeProvesTheLinesLineModeProves()
    {
        var binary = Fixtures.CMake("cpp-gtest", CFlavour.O0).Output("gtest_passing_tests");
        var lines = TracedRun.Start(binary, [], mode: ProbeMode.Lines);
        var blocks = TracedRun.Start(binary, [], mode: ProbeMode.Blocks);
        AssertEquivalent(lines, blocks, fewerTraps: false);
    }

    private void AssertEquivalent(TracedRun lines, TracedRun blocks, bool fewerTraps = true)
    {
        Assert.Equal(lines.Result.ShellStatus, blocks.Result.ShellStatus);
        var blockLines = blocks.Report.Files.SelectMany(f => f.Lines.Select(l => ((f.Path, l.Line), l.IsCovered))).ToDictionary(p => p.Item1, p => p.IsCovered);
        var differences = new List<string>();
        var compared = 0;
        foreach (var file in lines.Report.Files)
        {
            foreach (var line in file.Lines)
            {
                compared++;
                var inBlocks = blockLines.TryGetValue((file.Path, line.Line), out var covered);
                if (!inBlocks || covered != line.IsCovered)
                {
                    differences.Add($"{file.Path}:{line.Line}: line mode {(line.IsCovered ? "run" : "not run")}, block mode {(inBlocks ? covered ? "run" : "not run" : "absent")}");
                }
            }
        }
        // Functions entered: block mode from the entry's dominance (every probe of a function proves its entry), line mode
        // from any of its lines.
        var blockFunctions = blocks.Report.Files.SelectMany(f => f.Functions.Select(fn => ((f.Path, fn.Name, fn.Line), fn.Hits > 0))).ToDictionary(p => p.Item1, p => p.Item2);
        foreach (var file in lines.Report.Files)
        {
            foreach (var function in file.Functions.Where(fn => fn.HasCode))
            {
                if (blockFunctions.TryGetValue((file.Path, function.Name, function.Line), out var entered) && entered != function.Hits > 0)
                {
                    differences.Add($"{file.Path}: function {function.Name} (line {function.Line}): line mode {(function.Hits > 0 ? "entered" : "not entered")}, block mode {(entered ? "entered" : "not entered")}");
                }
            }
        }
        var (lineTraps, blockTraps) = (lines.Result.Statistics.Traps, blocks.Result.Statistics.Traps);
        output.WriteLine($"{compared} lines compared, {lines.Report.LinesCovered} run; traps: line mode {lineTraps}, block mode {blockTraps}; block mode lists {blocks.Report.LinesValid} lines");
        Assert.True(compared > 0, "nothing to compare");
        Assert.True(differences.Count == 0, string.Join('\n', differences));
        Assert.True(!fewerTraps || blockTraps <= lineTraps, $"block mode trapped {blockTraps} times, line mode {lineTraps}");
    }
}
