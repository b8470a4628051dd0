using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Harness.Core.Coverage;
using Harness.Core.Frameworks;
using Harness.Core.Frameworks.CTest;
using Harness.Core.Model;
using Harness.Core.Profiling;
using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Runs;

/// <summary>
/// One test run: request in, typed events out. Discovers and lists the request's suites (or takes its tests as
/// listed), selects, schedules <c>warmup + repeat</c> whole passes and executes them, and tells every step to its
/// sinks as a <see cref="RunEvent"/>. The front ends only build the request and attach sinks.
/// </summary>
/// <remarks>
/// Passes run one after the other, so a test's runs are interleaved with every other test's rather than back to
/// back: a slow minute of the machine then spreads over all tests instead of landing on all samples of one.
/// Warm-up passes fill caches (page cache, dynamic loader, CPU frequency) and are discarded.
/// </remarks>
public sealed class TestRun
{
    private readonly RunRequest _request;
    private readonly ITestExecutor _executor;

    /// <param name="executor">Runs one binary's tests; the default runs them with their frameworks, in real processes.</param>
    public TestRun(RunRequest request, ITestExecutor? executor = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }
        _request = request;
        _executor = executor ?? TestExecutor.Instance;
    }

    /// <summary>Runs to the end (or until <paramref name="cancellation"/>), telling <paramref name="sinks"/> each event; returns the summary.</summary>
    /// <exception cref="HarnessException">A suite could not be discovered (nothing ran), or a sink failed.</exception>
    public RunSummary Run(IEnumerable<IRunSink> sinks, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        var attached = sinks.ToList();
        var gate = new Lock();
        ExceptionDispatchInfo? sinkFailure = null;
        void Emit(RunEvent runEvent)
        {
            lock (gate)
            {
                foreach (var sink in attached)
                {
                    try
                    {
                        sink.Handle(runEvent);
                    }
                    catch (Exception e) when (runEvent is not RunFinished)
                    {
                        // A job thread must not die of a sink's error: the run goes on and the error is raised at its end.
                        sinkFailure ??= ExceptionDispatchInfo.Capture(e);
                    }
                }
            }
        }

        var summary = Execute(Emit, cancellation);
        sinkFailure?.Throw();
        Emit(new RunFinished(summary));
        return summary;
    }

    /// <summary>The run as a stream of events, ending with <see cref="RunFinished"/>; stopping the enumeration cancels the run.</summary>
    public async IAsyncEnumerable<RunEvent> Events([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var channel = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var running = Task.Factory.StartNew(() =>
        {
            try
            {
                Run([new ChannelSink(channel.Writer)], stop.Token);
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await foreach (var runEvent in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return runEvent;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }
    }

    private RunSummary Execute(Action<RunEvent> emit, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var catalog = _request.Tests is { } given ? new SuiteCatalog([.. given.Select(t => t.Binary)], given) : List(emit);
        var all = catalog.Tests;
        var selected = CTestFixtures.WithFixtures(_request.Selection.Apply(all), all);
        var affected = _request.Affected?.Choose(selected);
        if (affected is not null)
        {
            selected = [.. affected.Selected.Select(c => c.Test)];
            emit(new AffectedChosen(affected));
        }
        var coverage = _request.Coverage is { } wanted ? new CoverageCollector(new CoveragePlanner(wanted.Sources, branches: wanted.Branches), wanted.PerTest) : null;
        var profiles = _request.ProfileRate is { } rate ? new ProfileCollector(rate) : null;
        var execution = new ExecutionOptions(_request.Timeout, _request.KillGrace, _request.RunIgnored, coverage) 
        {
            Profile = profiles,
            MaxOutput = _request.MaxOutput,
            Output = _request.StreamOutput ? (test, stream, line) => emit(new TestOutput(test, stream, line)) : null,
        };
        var passes = _request.Warmup + _request.Repeat;
        emit(new RunStarted(selected, all.Count, passes, _request.Jobs));

        var scheduler = new Scheduler(_request, execution, _executor, emit);
        var measured = new Dictionary<string, List<FinishedTest>>(StringComparer.Ordinal);
        for (var pass = 0; pass < passes && !cancellation.IsCancellationRequested; pass++)
        {
            var results = scheduler.RunPass(selected, pass, pass >= _request.Warmup, cancellation, out var failed);
            if (pass >= _request.Warmup)
            {
                foreach (var result in results)
                {
                    if (!measured.TryGetValue(result.Test.FullyQualifiedName, out var runs))
                    {
                        measured[result.Test.FullyQualifiedName] = runs = [];
                    }
                    runs.Add(result);
                }
            }
            if (_request.FailFast && failed)
            {
                break;
            }
        }
        // Tests never started (the run was cancelled or stopped by fail-fast first) are listed as such, with no measured run.
        var notRun = selected.Where(t => !measured.ContainsKey(t.FullyQualifiedName))
            .Select(t => new RepeatedTest(new FinishedTest(TestResult.WithoutRun(t, TestOutcome.NotRun, NotRunMessage), 0, false), []));
        var notAffected = (affected?.Skipped ?? []).Select(c => new RepeatedTest(new FinishedTest(TestResult.WithoutRun(c.Test, TestOutcome.NotRun, c.Reason), 0, false), []));
        var repeated = measured.Values.Select(Summarize).Concat(notRun).Concat(notAffected).OrderBy(r => r.Final.Test.FullyQualifiedName, StringComparer.Ordinal).ToList();
        if (coverage is not null)
        {
            PlanUnrun(coverage.Planner, catalog.Binaries);
        }
        return new RunSummary([.. repeated.Select(r => r.Final)], repeated, all.Count, selected.Count, clock.Elapsed, cancellation.IsCancellationRequested,
            coverage, coverage?.Report(), profiles)
        {
            FlakyFails = _request.FlakyFails,
            MeasuredPasses = _request.Repeat,
            NotAffected = affected?.Skipped.Count ?? 0,
        };
    }

    /// <summary>Why a selected test has no result.</summary>
    public const string NotRunMessage = "not run: the run stopped before it started";

    private SuiteCatalog List(Action<RunEvent> emit)
    {
        var binaries = new List<TestBinary>();
        var tests = new List<TestCase>();
        foreach (var suite in _request.Suites)
        {
            var catalog = TestCatalog.Catalog(suite, line => emit(new BuildOutput(line)));
            binaries.AddRange(catalog.Binaries);
            tests.AddRange(catalog.Tests);
        }
        return new SuiteCatalog(binaries, tests);
    }

    /// <summary>
    /// Plans the test binaries no process ran (every test ignored, filtered out or not run, or none listed), so their
    /// lines count as not run rather than vanishing from the report. Done after the run: a binary that ran is planned
    /// already, and the others cost the run nothing. Keyed by the file's real path, as the tracer sees it mapped.
    /// Scripts and other non-ELF commands (CTest) hold no line table of their own and are passed over.
    /// </summary>
    private static void PlanUnrun(CoveragePlanner planner, IEnumerable<TestBinary> binaries)
    {
        foreach (var path in binaries.Select(b => b.Path).Distinct(StringComparer.Ordinal))
        {
            if (ExecutableFile.Problem(path) is null)
            {
                planner.Preload(File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path));
            }
        }
    }

    /// <summary>The first measured run that did not pass stands for the test, else the last; flaky when any run was.</summary>
    private static RepeatedTest Summarize(List<FinishedTest> runs)
    {
        var final = runs.FirstOrDefault(r => r.Result.Outcome is not (TestOutcome.Passed or TestOutcome.Skipped)) ?? runs[^1];
        var flaky = final.Result.Outcome == TestOutcome.Passed && runs.Any(r => r.IsFlaky);
        return new RepeatedTest(final with { IsFlaky = flaky }, runs);
    }

    private sealed class ChannelSink(ChannelWriter<RunEvent> writer) : IRunSink
    {
        public void Handle(RunEvent runEvent) => writer.TryWrite(runEvent);
    }
}
