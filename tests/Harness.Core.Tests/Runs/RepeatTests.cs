using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Runs;
using Harness.Core.Suites;

namespace Harness.Core.Tests.Runs;

/// <summary>--repeat and --warmup with real processes: every test measured N times, warm-ups dropped, passes interleaved.</summary>
public sealed class RepeatTests
{
    [Fact]
    public void Run_ThreeTestsRepeatThreeWarmupOne_ThreeMeasuredRunsEachInWholePasses()
    {
        var timed = Fixtures.CMake("c-timing", CFlavour.O0).Output("timed");
        TestCase[] tests = [Timed(timed, "a", 30), Timed(timed, "b", 10), Timed(timed, "c", 20)];
        var started = new List<(string Test, DateTimeOffset At)>();

        var results = new TestRun(new RunRequest { Tests = tests, Jobs = 2, Warmup = 1, Repeat = 3 })
            .Run([new Sink(e => { if (e is TestFinished { Finished: var finished }) started.Add((finished.Test.FullyQualifiedName, finished.Result.Started)); })])
            .Repeated;

        Assert.Equal(["t.a", "t.b", "t.c"], results.Select(r => r.Final.Test.FullyQualifiedName));
        Assert.All(results, r => Assert.Equal(3, r.Measured.Count));
        Assert.All(results, r => Assert.Equal(TestOutcome.Passed, r.Final.Result.Outcome));
        Assert.All(results.Single(r => r.Final.Test.FullyQualifiedName == "t.a").Measured, m => Assert.True(m.Result.Duration >= TimeSpan.FromMilliseconds(30)));
        // 4 passes of 3 tests; every run of pass k starts before any run of pass k+1: runs interleave, never back to back.
        Assert.Equal(12, started.Count);
        for (var pass = 0; pass < 3; pass++)
        {
            Assert.True(started.Skip(pass * 3).Take(3).Max(s => s.At) <= started.Skip((pass + 1) * 3).Take(3).Min(s => s.At));
            Assert.Equal(["t.a", "t.b", "t.c"], started.Skip(pass * 3).Take(3).Select(s => s.Test).Order());
        }
        // The measured runs are the last three passes, not the warm-up.
        Assert.Equal(started.Where(s => s.Test == "t.b").Skip(1).Select(s => s.At), results[1].Measured.Select(m => m.Result.Started));
    }

    private sealed class Sink(Action<RunEvent> handle) : IRunSink
    {
        public void Handle(RunEvent runEvent) => handle(runEvent);
    }

    private static TestCase Timed(string program, string name, int milliseconds)
    {
        var binary = new TestBinary(program, "t", name, TestFramework.Plain, Path.GetDirectoryName(program)!, new Dictionary<string, string>(),
            [name, milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "sleep"], null, []);
        return new TestCase($"t.{name}", name, "", binary, null, null, [], false);
    }
}
