using Harness.Core.Coverage;
using Harness.Testing;
using Harness.Tracing.Tests.Support;
using Xunit.Abstractions;

namespace Harness.Tracing.Tests;

/// <summary>
/// DESIGN.md §4: "when a line is first hit, remove all of that line's other breakpoints in the same write:
/// traps ≤ lines, not ≤ addresses". Checked on the threads fixture at -O0, whose loop lines have several
/// statement addresses each (initialisation, condition, increment), so a per-address tracer would trap
/// far more often than once per line.
/// </summary>
public sealed class TrapBudgetTests(ITestOutputHelper output)
{
    [Fact]
    public void Run_Threads_TrapsAtMostOnePerLinePlusRendezvousAndRaces()
    {
        // Line mode: the budget is one trap per line (block mode's is lower, checked in ProbeModeEquivalenceTests).
        var run = TracedRun.Start(CTracePrograms.Program(CFlavour.O0, "threads"), [], mode: ProbeMode.Lines);
        var stats = run.Result.Statistics;
        var hitLines = run.HitGroups;
        var hitAddresses = run.Result.Images.Sum(image =>
            Enumerable.Range(0, image.Probes.GroupCount).Where(group => image.Probes.FactsOf(group).ToArray().All(image.IsHit)).Sum(group => image.Probes.ProbesOf(group).Length));

        // The dynamic linker's rendezvous traps too (start-up, dlopen): measure it on the same program with
        // nothing selected, so no probe can trap.
        var unprobed = TracedRun.Start(CTracePrograms.Program(CFlavour.O0, "threads"), [], selection: new SourceSelection(["/no/such/source/**"]));
        Assert.Empty(unprobed.Result.Images);
        var rendezvous = unprobed.Result.Statistics.Traps;

        // Extra traps beyond one per line come only from races: a thread that executed int3 at a site of a
        // line another thread is being stopped for traps too (then it is only rewound). The workers of this
        // fixture share no lines, so allow at most one late trap per thread.
        var slack = rendezvous + stats.Threads;
        output.WriteLine($"traps {stats.Traps}, lines hit {hitLines}, their addresses {hitAddresses}, rendezvous traps {rendezvous}, threads {stats.Threads}");

        Assert.True(hitLines > 50, $"only {hitLines} lines hit: the fixture no longer exercises the tracer");
        Assert.True(hitAddresses > hitLines + slack, $"{hitAddresses} addresses for {hitLines} lines: the fixture would not tell per-line from per-address removal");
        Assert.True(stats.Traps >= hitLines, $"{stats.Traps} traps for {hitLines} lines hit: a hit line without a trap");
        Assert.True(stats.Traps <= hitLines + slack, $"{stats.Traps} traps for {hitLines} lines hit ({hitAddresses} addresses), rendezvous {rendezvous}, {stats.Threads} threads");
    }
}
