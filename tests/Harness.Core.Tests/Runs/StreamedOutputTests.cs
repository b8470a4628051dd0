using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Runs;
using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Tests.Runs;

/// <summary>
/// The run's streamed output (<see cref="RunRequest.StreamOutput"/>) from real test processes: each line reaches the
/// sinks while its test still runs, and nothing is streamed unless asked for.
/// </summary>
public sealed class StreamedOutputTests
{
    private static TestCase Test(string binaryId) => Assert.Single(TestLister.List(
        SuiteDiscovery.Discover(Fixtures.CMake("c-ctest", CFlavour.O0).BuildDirectory, SuiteKind.CMake).Single(b => b.BinaryId == binaryId)));

    [Fact]
    public void Run_StreamOutputAndASinkThatCancelsOnTheFirstLine_LineArrivesWhileTheTestRunsSoItIsCancelled()
    {
        // c_timeout prints its line, then sleeps 10 s (the timeout is raised over CTest's 2 s): had the line come only
        // when the process ended, the test would have passed before anything cancelled it.
        var test = Test("c_timeout");
        using var cancel = new CancellationTokenSource();
        var events = new List<RunEvent>();
        var sink = new Sink(e =>
        {
            events.Add(e);
            if (e is TestOutput)
            {
                cancel.Cancel();
            }
        });

        var summary = new TestRun(new RunRequest { Tests = [test], Jobs = 1, Timeout = TimeSpan.FromSeconds(60), StreamOutput = true }).Run([sink], cancel.Token);

        var output = Assert.Single(events.OfType<TestOutput>());
        Assert.Equal((test.FullyQualifiedName, OutputStream.Stdout, "c_timeout: sleeping 10 s"), (output.Test.FullyQualifiedName, output.Stream, output.Line));
        Assert.True(events.IndexOf(output) < events.FindIndex(e => e is TestFinished), string.Join(", ", events.Select(e => e.GetType().Name)));
        Assert.Equal(TestOutcome.Cancelled, Assert.Single(summary.Results).Outcome);
    }

    [Fact]
    public void Run_WithoutStreamOutput_NoOutputEventsAndTheOutputStillCaptured()
    {
        var events = new List<RunEvent>();

        var summary = new TestRun(new RunRequest { Tests = [Test("c_timeout")], Jobs = 1, Timeout = TimeSpan.FromSeconds(1), KillGrace = TimeSpan.FromSeconds(1) })
            .Run([new Sink(events.Add)]);

        Assert.DoesNotContain(events, e => e is TestOutput);
        var result = Assert.Single(summary.Results).Result;
        Assert.Equal(TestOutcome.TimedOut, result.Outcome);
        Assert.Contains("c_timeout: sleeping 10 s", result.StandardOutput, StringComparison.Ordinal);
    }

    private sealed class Sink(Action<RunEvent> handle) : IRunSink
    {
        public void Handle(RunEvent runEvent) => handle(runEvent);
    }
}
